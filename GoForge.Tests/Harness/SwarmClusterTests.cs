using System.Globalization;
using Docker.DotNet.Models;
using GoForge.Tests.Support;

namespace GoForge.Tests.Harness;

/// <summary>
/// The multi-node swarm the Swarm tests (issue 24) run on: three real dockerds in namespaces of their own, one manager
/// and two workers on a bridge of the host. A 3-replica service spreads over the three nodes, every task answers at its
/// node's address, and losing a worker's engine reschedules its task on the others.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class SwarmClusterTests(DockerFixture shared) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private SwarmCluster? _cluster;

    private SwarmCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await BusyboxImage.EnsureAsync(shared.Client, timeout.Token);
        _cluster = await SwarmCluster.StartAsync(workers: 2, timeout.Token);
        await _cluster.LoadImagesAsync(shared.Client, [BusyboxImage.Tag], timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_three_node_swarm_spreads_three_replicas_answers_through_any_node_and_reschedules_after_losing_a_worker()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var nodes = await Cluster.ListNodesAsync(ct);
        Assert.Equal(3, nodes.Count);
        Assert.Single(nodes, n => n.Spec!.Role == "manager");
        Assert.All(nodes, n => Assert.Equal("ready", n.Status!.State));

        var created = await Cluster.Manager.Client.Swarm.CreateServiceAsync(new ServiceCreateParameters
        {
            Service = new ServiceSpec
            {
                Name = "spread",
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 3 } },
                TaskTemplate = new TaskSpec
                {
                    ContainerSpec = new ContainerSpec
                    {
                        Image = BusyboxImage.Tag,
                        // Each task answers with its own host name, so the answers tell the tasks apart.
                        Command = ["/bin/sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"],
                    },
                },
                // This kernel has no IPVS (no /proc/net/ip_vs): neither the routing mesh nor a service's virtual IP
                // works here, so the service resolves to its tasks (dnsrr) and each task publishes on its own node
                // (host mode, a port the engine picks). What reaches an app in a swarm must go to its tasks.
                EndpointSpec = new EndpointSpec
                {
                    Mode = "dnsrr",
                    Ports = [new PortConfig { Protocol = "tcp", TargetPort = (uint)BusyboxImage.Port, PublishMode = "host" }],
                },
            },
        }, ct);
        var serviceId = created.ID ?? throw new InvalidOperationException("The service has no id.");

        var running = await RunningTasksAsync(serviceId, 3, ct);
        Assert.Equal(3, running.Select(t => t.NodeID).Distinct().Count());
        await AssertEveryTaskAnswersAsync(running, ct);

        // Losing a worker's engine: the manager marks it down and runs its task on the two nodes left.
        var lost = Cluster.Workers.Last();
        var lostId = await lost.IdAsync(ct);
        await lost.KillAsync();
        await Wait.UntilAsync(
            async () => (await Cluster.ListNodesAsync(ct)).Single(n => n.ID == lostId).Status!.State == "down",
            "the manager seeing the killed worker down",
            TimeSpan.FromMinutes(2));
        var rescheduled = await RunningTasksAsync(serviceId, 3, ct, excludingNode: lostId);
        Assert.Equal(2, rescheduled.Select(t => t.NodeID).Distinct().Count());
        await AssertEveryTaskAnswersAsync(rescheduled, ct);
    }

    /// <summary>Each task answers at its node's address on the port the engine published for it, with its own host name.</summary>
    private async Task AssertEveryTaskAnswersAsync(IReadOnlyList<TaskResponse> tasks, CancellationToken ct)
    {
        var addresses = (await Cluster.ListNodesAsync(ct)).ToDictionary(n => n.ID, n => n.Status!.Addr);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var task in tasks)
        {
            // One entry per address family the engine bound, all with the same port.
            var port = Assert.Single(task.Status!.PortStatus!.Ports!.Select(p => p.PublishedPort).Distinct());
            var url = new Uri($"http://{addresses[task.NodeID!]}:{port?.ToString(CultureInfo.InvariantCulture)}/");
            string? answer = null;
            await Wait.UntilAsync(async () => (answer = await TryGetAsync(http, url, ct)) is not null, $"task {task.ID} answering at {url}");
            Assert.StartsWith(answer!, task.Status.ContainerStatus!.ContainerID, StringComparison.Ordinal);
        }
    }

    /// <summary>Waits until the service has <paramref name="count"/> tasks running (on nodes other than <paramref name="excludingNode"/>).</summary>
    private async Task<IReadOnlyList<TaskResponse>> RunningTasksAsync(string serviceId, int count, CancellationToken ct, string? excludingNode = null)
    {
        IReadOnlyList<TaskResponse> running = [];
        await Wait.UntilAsync(async () =>
        {
            var tasks = await Cluster.Manager.Client.Tasks.ListAsync(new TasksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceId] = true } },
            }, ct);
            running = [.. tasks.Where(t => t.Status!.State == TaskState.Running && t.DesiredState == TaskState.Running && t.NodeID != excludingNode)];
            return running.Count == count;
        }, $"{count} running tasks of the service", TimeSpan.FromMinutes(2));
        return running;
    }

    private static async Task<string?> TryGetAsync(HttpClient http, Uri url, CancellationToken ct)
    {
        try
        {
            return (await http.GetStringAsync(url, ct)).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
