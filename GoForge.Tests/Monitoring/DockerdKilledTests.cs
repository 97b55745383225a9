using GoForge.Core.Deployments;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Monitoring;

/// <summary>
/// dockerd dies (SIGKILL) under the running panel and is started again on the same data root; the panel is not
/// restarted. On a dockerd of this class's own: the shared engine serves every other test and never goes away. This
/// daemon has no bridge for builds, so the image has no RUN step, and its containers cannot be reached from the host,
/// so the application has no HTTP health check (healthy once it runs without restarting).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DockerdKilledTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_dockerd_is_killed_and_started_again_the_running_panel_sees_the_app_restarted_with_stats_and_deploys_again()
    {
        // Disposed last: it takes every container it ran with it.
        await using var daemon = await PrivateDockerDaemon.StartAsync();
        await using var scenario = await DeployScenario.StartWithAsync(daemon.Endpoint, "dockerd_killed", new Dictionary<string, string?>
        {
            ["GoForge:Monitoring:MaxReconnectDelay"] = "00:00:01",
        }, all => GoForgeApp.StartAsync(postgres, "dockerd_killed", settings: all), engineIsThrowaway: true);
        scenario.Repository.Commit("runs without a bridge", """
            FROM scratch
            COPY busybox /bin/busybox
            CMD ["/bin/busybox", "sh", "-c", "trap 'exit 0' TERM; while :; do /bin/busybox sleep 1; done"]
            """);
        var app = await scenario.CreateApplicationAsync(scenario.Actor, "dockerd killed", input =>
        {
            input.HealthCheckPath = null;
            // Docker 20.10 brings back only `always` after its own crash: while it restores, it stops the containers it
            // finds running and marks them stopped by hand, so `unless-stopped` stays down (docs/deployments/faults.md).
            input.RestartPolicy = RestartPolicy.Always;
        });
        var tracker = scenario.App.Get<ContainerStateTracker>();
        var stats = scenario.App.Get<ContainerStatsHub>();
        var first = await DeployAsync(scenario, app.Id);
        var container = first.ContainerId!;
        await UntilAsync(() => tracker.Find(container) is { State: ContainerRunState.Running }, "the tracker to see the container running");
        var startedBefore = tracker.Find(container)!.StartedAt;
        var syncs = tracker.Syncs;

        await daemon.KillAsync();
        await UntilAsync(() => !tracker.EngineConnected, "the tracker to see the engine gone");
        await daemon.StartAgainAsync();

        // The tracker reconnects by itself and resyncs; dockerd restarts the `always` container.
        await UntilAsync(() => tracker.EngineConnected && tracker.Syncs > syncs, "the tracker to reconnect and resync");
        await UntilAsync(() => tracker.Find(container) is { State: ContainerRunState.Running } c && c.StartedAt > startedBefore,
            "the tracker to see the container running again after dockerd restarted it");
        Assert.Equal(ApplicationHealth.Running, DashboardService.HealthOf(tracker.CurrentFor(app.Id)));
        Assert.Equal(container, tracker.CurrentFor(app.Id)?.Id);

        // Stats flow again, from the restarted container.
        var restartedAt = tracker.Find(container)!.StartedAt!.Value;
        await UntilAsync(() => stats.History(container).Any(s => s.Time > restartedAt && s.MemoryUsedBytes > 0), "stats of the restarted container");

        // The database still has it serving: nothing in the panel marked it failed while the engine was away.
        Assert.Equal(DeploymentState.Running, (await scenario.App.Get<IDeploymentRepository>().GetAsync(first.Id))!.State);

        // A new deployment works, on the same engine, without a panel restart.
        var second = await DeployAsync(scenario, app.Id);
        await UntilAsync(() => tracker.CurrentFor(app.Id) is { State: ContainerRunState.Running } c && c.Id == second.ContainerId, "the tracker to see the new container serve");
        await UntilAsync(() => tracker.Find(container) is null, "the tracker to see the replaced container removed");
        Assert.Equal(DeploymentState.Superseded, (await scenario.App.Get<IDeploymentRepository>().GetAsync(first.Id))!.State);
    }

    private static async Task<Deployment> DeployAsync(DeployScenario scenario, Guid applicationId)
    {
        var queued = (await scenario.App.Get<DeploymentService>().EnqueueAsync(scenario.Actor, applicationId)).Value!;
        var ended = await scenario.UntilSettledAsync(queued.Id, Timeout);
        Assert.True(ended.State == DeploymentState.Running, $"deployment {queued.Id} ended {ended.State}: {ended.Reason}");
        return ended;
    }

    private static Task UntilAsync(Func<bool> condition, string what) =>
        Wait.UntilAsync(() => Task.FromResult(condition()), what, Timeout);
}
