using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Servers;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Swarm;

/// <summary>
/// The Swarm work of the Servers page (issue 24) on real engines: two dockerds in namespaces of their own, not in any
/// swarm, the panel driving the first. An administrator turns it into a manager, the second joins with the command
/// the panel shows, and its node is labelled, drained and, once down, removed; everyone else is refused, and hostile
/// input changes nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SwarmServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private SwarmCluster? _cluster;
    private TestHost? _host;

    private SwarmCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    private TestHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        _cluster = await SwarmCluster.StartAsync(workers: 1, timeout.Token, form: false);
        _host = await TestHost.StartAsync(postgres, "swarm", new Dictionary<string, string?> { ["GoForge:Docker:Endpoint"] = _cluster.Manager.Endpoint.ToString() });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_administrator_makes_the_engine_a_manager_joins_a_worker_with_the_shown_command_labels_drains_and_removes_it_once_down()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var swarm = Host.Get<SwarmService>();
        var admin = Actor.From(await TestUsers.CreateAsync(Host, UserRole.Admin));

        Assert.Equal(SwarmState.Inactive, (await swarm.StatusAsync(admin, ct)).Value!.State);
        Assert.Equal(ErrorKind.Conflict, (await swarm.NodesAsync(admin, ct)).Error?.Kind);
        foreach (var hostile in new[] { "10.0.0.1; rm -rf /", "--force-new-cluster", "eth0", "10.0.0.1:2377", "١٠.٠.٠.١", new string('1', 5000) })
        {
            Assert.Equal(ErrorKind.Validation, (await swarm.InitAsync(admin, hostile, ct)).Error?.Kind);
        }

        Assert.Equal(SwarmState.Inactive, (await swarm.StatusAsync(admin, ct)).Value!.State);

        Assert.True((await swarm.InitAsync(admin, Cluster.Manager.Address.ToString(), ct)).IsSuccess);
        var status = (await swarm.StatusAsync(admin, ct)).Value!;
        Assert.Equal((SwarmState.Active, true), (status.State, status.IsManager));
        Assert.Equal(ErrorKind.Conflict, (await swarm.InitAsync(admin, null, ct)).Error?.Kind);

        // The worker joins with exactly what the page shows: the manager's address and the worker token.
        var join = (await swarm.JoinAsync(admin, ct)).Value!;
        Assert.Equal($"{Cluster.Manager.Address}:2377", join.ManagerAddress);
        Assert.EndsWith($" {join.WorkerToken} {join.ManagerAddress}", join.Command(ClusterNodeRole.Worker), StringComparison.Ordinal);
        var worker = Cluster.Workers.Single();
        await SwarmCluster.JoinAsync(worker, join.ManagerAddress, join.WorkerToken, ct);
        await Cluster.WaitUntilReadyAsync(2, ct);

        var nodes = (await swarm.NodesAsync(admin, ct)).Value!;
        Assert.Equal([ClusterNodeRole.Worker, ClusterNodeRole.Manager], nodes.Select(n => n.Role));
        Assert.True(nodes.Single(n => n.Role == ClusterNodeRole.Manager).IsLeader);
        var workerNode = nodes.Single(n => n.Role == ClusterNodeRole.Worker);
        Assert.Equal(worker.Address.ToString(), workerNode.Address);
        Assert.True(workerNode.NanoCpus > 0 && workerNode.MemoryBytes > 0, "the node's resources are listed");

        Assert.Equal(ErrorKind.Validation, (await swarm.SetLabelsAsync(admin, workerNode.Id, new Dictionary<string, string> { ["a b"] = "x" }, ct)).Error?.Kind);
        Assert.Equal(ErrorKind.Validation, (await swarm.SetLabelsAsync(admin, workerNode.Id, new Dictionary<string, string> { ["zone"] = "a\nb" }, ct)).Error?.Kind);
        var labelled = (await swarm.SetLabelsAsync(admin, workerNode.Id, new Dictionary<string, string> { ["goforge.zone"] = "eu-1", ["disk"] = "ssd" }, ct)).Value!;
        Assert.Equal("eu-1", labelled.Labels["goforge.zone"]);
        Assert.Equal(ClusterNodeRole.Worker, labelled.Role);
        var drained = (await swarm.SetAvailabilityAsync(admin, workerNode.Id, ClusterNodeAvailability.Drain, ct)).Value!;
        Assert.Equal(ClusterNodeAvailability.Drain, drained.Availability);
        Assert.Equal("ssd", drained.Labels["disk"]);

        // Only a node that is down is removed; a guessed or hostile id is simply not found.
        Assert.Equal(ErrorKind.Conflict, (await swarm.RemoveNodeAsync(admin, workerNode.Id, ct)).Error?.Kind);
        foreach (var guessed in new[] { "../../swarm/leave", "-f", new string('a', 25), "" })
        {
            Assert.Equal(ErrorKind.NotFound, (await swarm.RemoveNodeAsync(admin, guessed, ct)).Error?.Kind);
        }

        await worker.KillAsync();
        await Wait.UntilAsync(async () => (await swarm.NodesAsync(admin, ct)).Value!.Single(n => n.Id == workerNode.Id).IsDown, "the manager seeing the worker down", TimeSpan.FromMinutes(2));
        Assert.True((await swarm.RemoveNodeAsync(admin, workerNode.Id, ct)).IsSuccess);
        Assert.Equal([ClusterNodeRole.Manager], (await swarm.NodesAsync(admin, ct)).Value!.Select(n => n.Role));

        var actions = (await Host.Get<IAuditLog>().ListRecentAsync(50, ct)).Select(e => e.Action).ToList();
        Assert.Contains(AuditActions.SwarmInitialized, actions);
        Assert.Contains(AuditActions.SwarmJoinTokensViewed, actions);
        Assert.Equal(2, actions.Count(a => a == AuditActions.SwarmNodeUpdated));
        Assert.Contains(AuditActions.SwarmNodeRemoved, actions);
    }

    [Fact]
    public async Task Members_are_refused_every_swarm_action_and_nothing_changes()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var swarm = Host.Get<SwarmService>();
        var member = Actor.From(await TestUsers.CreateAsync(Host));

        Assert.Equal(ErrorKind.Forbidden, (await swarm.StatusAsync(member, ct)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await swarm.InitAsync(member, null, ct)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await swarm.JoinAsync(member, ct)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await swarm.NodesAsync(member, ct)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await swarm.SetAvailabilityAsync(member, new string('a', 25), ClusterNodeAvailability.Drain, ct)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await swarm.SetLabelsAsync(member, new string('a', 25), new Dictionary<string, string>(), ct)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await swarm.RemoveNodeAsync(member, new string('a', 25), ct)).Error?.Kind);

        var admin = Actor.From(await TestUsers.CreateAsync(Host, UserRole.Admin));
        Assert.Equal(SwarmState.Inactive, (await swarm.StatusAsync(admin, ct)).Value!.State);
    }
}
