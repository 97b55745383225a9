using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Servers;
using GoForge.Tests.Support;
using Xunit.Abstractions;
using ContainerSpec = Docker.DotNet.Models.ContainerSpec;

namespace GoForge.Tests.Swarm;

/// <summary>
/// Applications as Swarm services (issue 24) on a real three-node swarm: GoForge's spec converges across nodes and every
/// task answers on its overlay address; a new release rolls start-first; a release whose health check fails is rolled
/// back by the engine, with its reason; a drained node's tasks move; what carries GoForge's names without its labels is
/// refused and left as it was.
/// </summary>
public sealed class SwarmServicesTests(SwarmServicesCluster swarm, ITestOutputHelper output) : IClassFixture<SwarmServicesCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Rollout = TimeSpan.FromSeconds(90);

    private ISwarmServices Services => swarm.Services;

    [Fact]
    public async Task Three_replicas_converge_on_more_than_one_node_and_every_task_answers_on_its_overlay_address()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var spec = swarm.Spec(Guid.NewGuid(), swarm.Release1, replicas: 3);
        try
        {
            var service = await Services.ApplyAsync(spec, ct);
            await AssertCompletesAsync(service.Id, ct);

            var running = (await Services.ListTasksAsync(service.Id, ct)).Where(t => t.IsRunning).ToList();
            Assert.Equal(3, running.Count);
            Assert.True(running.Select(t => t.NodeId).Distinct().Count() > 1, "the replicas are spread over more than one node");
            Assert.All(running, t => Assert.Equal(swarm.Release1, t.Image));
            foreach (var task in running)
            {
                await swarm.AssertAnswersAsync(task.Addresses[swarm.Network.Id], "hello", ct);
            }

            // dnsrr: the service's name resolves to its tasks on the overlay network, with no virtual IP.
            await swarm.AssertAnswersAsync(spec.Name, "hello", ct);
            Assert.Equal(service.Id, (await Services.FindAsync(spec.Name, spec.Owner, ct))?.Id);
            Assert.Null(await Services.FindAsync(spec.Name, SwarmOwners.Service(swarm.ProjectId, swarm.EnvironmentId, Guid.NewGuid()), ct));
            Assert.Equal(swarm.Network.Id, (await Services.EnsureNetworkAsync(swarm.ProjectId, swarm.EnvironmentId, encrypted: false, ct)).Id);
        }
        finally
        {
            await Services.RemoveAsync(spec.Name, spec.Owner, CancellationToken.None);
        }

        Assert.Null(await Services.FindAsync(spec.Name, spec.Owner, ct));
    }

    [Fact]
    public async Task An_update_to_a_new_image_completes_start_first_each_new_task_running_before_the_one_it_replaces_stops()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var app = Guid.NewGuid();
        var spec = swarm.Spec(app, swarm.Release1, replicas: 2);
        try
        {
            var first = await Services.ApplyAsync(spec, ct);
            await AssertCompletesAsync(first.Id, ct);

            var second = await Services.ApplyAsync(swarm.Spec(app, swarm.Release2, replicas: 2), ct);
            Assert.Equal(first.Id, second.Id);
            Assert.True(second.Version > first.Version, "the update is made at the service's version, which moves on");
            await AssertCompletesAsync(second.Id, ct);

            var tasks = await Services.ListTasksAsync(second.Id, ct);
            var running = tasks.Where(t => t.IsRunning).ToList();
            Assert.Equal(2, running.Count);
            foreach (var task in running)
            {
                Assert.Equal(swarm.Release2, task.Image);
                await swarm.AssertAnswersAsync(task.Addresses[swarm.Network.Id], "release2", ct);

                // Start-first: the old task of the slot is told to stop (its container may still be in its stop grace)
                // only once its replacement runs, healthy.
                var replaced = Assert.Single(tasks, t => t.Slot == task.Slot && t.Image == swarm.Release1);
                Assert.Equal("shutdown", replaced.DesiredState);
                if (replaced.State is "shutdown" or "complete")
                {
                    Assert.True(replaced.Since >= task.Since, $"slot {task.Slot}: the old task stopped at {replaced.Since:O}, the new one ran at {task.Since:O}");
                }
            }
        }
        finally
        {
            await Services.RemoveAsync(spec.Name, spec.Owner, CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_update_whose_health_check_fails_is_rolled_back_by_the_engine_and_the_outcome_gives_its_reason()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var app = Guid.NewGuid();
        var spec = swarm.Spec(app, swarm.Release1, replicas: 2);
        try
        {
            var service = await Services.ApplyAsync(spec, ct);
            await AssertCompletesAsync(service.Id, ct);

            await Services.ApplyAsync(swarm.Spec(app, swarm.Release2, replicas: 2, healthPath: "/missing"), ct);
            var rollout = await Services.WaitAsync(service.Id, Rollout, ct);

            Assert.Equal(SwarmRolloutStatus.RolledBack, rollout.Status);
            Assert.Contains("rolled back", rollout.Reason, StringComparison.Ordinal);
            var running = (await Services.ListTasksAsync(service.Id, ct)).Where(t => t.IsRunning).ToList();
            Assert.Equal(2, running.Count);
            foreach (var task in running)
            {
                Assert.Equal(swarm.Release1, task.Image);
                await swarm.AssertAnswersAsync(task.Addresses[swarm.Network.Id], "hello", ct);
            }
        }
        finally
        {
            await Services.RemoveAsync(spec.Name, spec.Owner, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Draining_a_node_moves_its_tasks_to_the_other_nodes()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var spec = swarm.Spec(Guid.NewGuid(), swarm.Release1, replicas: 3);
        ClusterNode? drained = null;
        try
        {
            var service = await Services.ApplyAsync(spec, ct);
            await AssertCompletesAsync(service.Id, ct);
            var workers = new HashSet<string>(await Task.WhenAll(swarm.Cluster.Workers.Select(w => w.IdAsync(ct))), StringComparer.Ordinal);
            var nodeId = (await Services.ListTasksAsync(service.Id, ct)).First(t => t.IsRunning && workers.Contains(t.NodeId!)).NodeId!;

            var node = (await swarm.Engine.GetNodeAsync(nodeId, ct))!;
            await swarm.Engine.UpdateNodeAsync(nodeId, node.Version, ClusterNodeAvailability.Drain, node.Labels, ct);
            drained = node;

            IReadOnlyList<SwarmTask> running = [];
            await Wait.UntilAsync(
                async () => (running = [.. (await Services.ListTasksAsync(service.Id, ct)).Where(t => t.IsRunning)]).Count == 3 && running.All(t => t.NodeId != nodeId),
                "three running tasks, none on the drained node",
                Rollout);
            foreach (var task in running)
            {
                await swarm.AssertAnswersAsync(task.Addresses[swarm.Network.Id], "hello", ct);
            }
        }
        finally
        {
            if (drained is not null && await swarm.Engine.GetNodeAsync(drained.Id, CancellationToken.None) is { } now)
            {
                await swarm.Engine.UpdateNodeAsync(now.Id, now.Version, ClusterNodeAvailability.Active, now.Labels, CancellationToken.None);
            }

            await Services.RemoveAsync(spec.Name, spec.Owner, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_service_or_network_of_goforges_name_without_its_owner_labels_is_refused_and_left_untouched()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var manager = swarm.Cluster.Manager.Client;
        var app = Guid.NewGuid();
        var otherApp = Guid.NewGuid();
        var ours = swarm.Spec(app, swarm.Release2, replicas: 1);
        var othersName = EngineNames.SwarmService(otherApp, "web");
        var environment = Guid.NewGuid();
        var networkName = EngineNames.SwarmNetwork(environment);
        var created = new List<string>();
        string? networkId = null;
        try
        {
            // One of the name with no GoForge label, one with another application's labels: neither is ours.
            created.Add(await CreateServiceAsync(ours.Name, new Dictionary<string, string> { ["team"] = "theirs" }, ct));
            created.Add(await CreateServiceAsync(othersName, new Dictionary<string, string>(SwarmOwners.Service(swarm.ProjectId, swarm.EnvironmentId, Guid.NewGuid())), ct));
            networkId = (await manager.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = networkName, Driver = "overlay", Attachable = true }, ct)).ID;
            var before = await Task.WhenAll(created.Select(id => manager.Swarm.InspectServiceAsync(id, ct)));

            var refused = await Assert.ThrowsAsync<EngineException>(() => Services.ApplyAsync(ours, ct));
            Assert.Contains(ours.Name, refused.Message, StringComparison.Ordinal);
            Assert.Contains("not GoForge's", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<EngineException>(() => Services.ApplyAsync(swarm.Spec(otherApp, swarm.Release2, replicas: 1), ct));
            await Assert.ThrowsAsync<EngineException>(() => Services.RemoveAsync(ours.Name, ours.Owner, ct));
            Assert.Null(await Services.FindAsync(ours.Name, ours.Owner, ct));
            var refusedNetwork = await Assert.ThrowsAsync<EngineException>(() => Services.EnsureNetworkAsync(swarm.ProjectId, environment, encrypted: false, ct));
            Assert.Contains(networkName, refusedNetwork.Message, StringComparison.Ordinal);

            var after = await Task.WhenAll(created.Select(id => manager.Swarm.InspectServiceAsync(id, ct)));
            for (var i = 0; i < created.Count; i++)
            {
                Assert.Equal(before[i].Version!.Index, after[i].Version!.Index);
                Assert.Equal(before[i].Spec!.Labels, after[i].Spec!.Labels);
                Assert.Equal(swarm.Release1, after[i].Spec!.TaskTemplate!.ContainerSpec!.Image);
            }

            var network = await manager.Networks.InspectNetworkAsync(networkId, ct);
            Assert.Empty(network.Labels ?? new Dictionary<string, string>());
        }
        finally
        {
            foreach (var id in created)
            {
                await manager.Swarm.RemoveServiceAsync(id, CancellationToken.None);
            }

            if (networkId is not null)
            {
                await manager.Networks.DeleteNetworkAsync(networkId, CancellationToken.None);
            }
        }
    }

    /// <summary>The time to roll 3 replicas start-first to a new image with GoForge's default policy (one at a time, 5 s monitor), and back.</summary>
    [Fact]
    [Trait("Category", "Benchmark")]
    public async Task Benchmark_rolling_three_replicas_start_first()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var app = Guid.NewGuid();
        var spec = swarm.Spec(app, swarm.Release1, replicas: 3) with { Update = SwarmUpdatePolicy.StartFirst };
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var service = await Services.ApplyAsync(spec, ct);
            await AssertCompletesAsync(service.Id, ct);
            var created = clock.Elapsed;

            clock.Restart();
            await Services.ApplyAsync(spec with { Image = swarm.Release2 }, ct);
            await AssertCompletesAsync(service.Id, ct);
            var rolled = clock.Elapsed;
            foreach (var task in await Services.ListTasksAsync(service.Id, ct))
            {
                output.WriteLine($"{task.Id} slot {task.Slot} {task.Image?[7..15]} {task.State}/{task.DesiredState} since {task.Since:HH:mm:ss.fff}");
                Console.WriteLine($"{task.Id} slot {task.Slot} {task.Image?[7..15]} {task.State}/{task.DesiredState} since {task.Since:HH:mm:ss.fff}");
            }

            clock.Restart();
            await Services.ApplyAsync(spec, ct);
            await AssertCompletesAsync(service.Id, ct);
            var back = clock.Elapsed;

            var figures = $"Swarm, 3 replicas on 3 nodes, health check every 1 s, start-first one at a time, 5 s monitor: create {created.TotalSeconds:0.0} s, roll to a new image {rolled.TotalSeconds:0.0} s, roll back to the first {back.TotalSeconds:0.0} s";
            output.WriteLine(figures);
            Console.WriteLine(figures);
        }
        finally
        {
            await Services.RemoveAsync(spec.Name, spec.Owner, CancellationToken.None);
        }
    }

    /// <summary>Waits for the rollout and asserts it completed, telling the tasks' states and errors when not.</summary>
    private async Task AssertCompletesAsync(string serviceId, CancellationToken ct)
    {
        var rollout = await Services.WaitAsync(serviceId, Rollout, ct);
        if (rollout.Status != SwarmRolloutStatus.Completed)
        {
            var tasks = await Services.ListTasksAsync(serviceId, ct);
            Assert.Fail($"The rollout ended {rollout.Status} ({rollout.Reason}); {await swarm.HealthLogAsync(serviceId, ct)}; tasks:\n" + string.Join('\n', tasks.Select(t => $"{t.Id} slot {t.Slot} on {t.NodeId}: {t.State} (desired {t.DesiredState}) {t.Image} {t.Error}")));
        }
    }

    private async Task<string> CreateServiceAsync(string name, IDictionary<string, string> labels, CancellationToken ct) =>
        (await swarm.Cluster.Manager.Client.Swarm.CreateServiceAsync(new ServiceCreateParameters
        {
            Service = new ServiceSpec
            {
                Name = name,
                Labels = labels,
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 0 } },
                TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = swarm.Release1 } },
                EndpointSpec = new EndpointSpec { Mode = "dnsrr" },
            },
        }, ct)).ID!;
}
