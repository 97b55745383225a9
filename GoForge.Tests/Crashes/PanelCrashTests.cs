using GoForge.Core.Services;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using Xunit.Abstractions;

namespace GoForge.Tests.Crashes;

/// <summary>
/// The panel, as its own process, is SIGKILLed at each moment where work is in flight, then started again on the same
/// database, data folder, key and engine (issue 18). After each: no deployment or service is left in an active state,
/// no GoForge container exists that no running deployment or service holds, the application answered every request
/// sent through Caddy at a steady rate throughout (0 failed), and the next deployment works. Each moment is held open
/// by its input, never by timing: a clone through a relay that stops answering, a build step that sleeps, a container
/// never healthy, a five-minute drain, an image registry that never answers; the test waits on the database or the
/// engine until the moment is reached. One rig (database, engine, Caddy, application) serves every scenario.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PanelCrashTests(PanelCrashRig rig, ITestOutputHelper output) : IClassFixture<PanelCrashRig>
{
    [Fact]
    public async Task Killed_with_a_deployment_pending_the_restarted_panel_runs_it_and_leaves_nothing_behind()
    {
        await rig.PrepareAsync();
        await using var traffic = rig.StartTraffic();
        // The application's first deployment hangs in its clone; the second waits behind it (one per application).
        var cloning = await rig.QueueHangingCloneAsync("pending");
        var pending = await rig.QueueDeploymentAsync();
        Assert.Equal("pending", (await rig.Records.DeploymentAsync(pending)).State);

        await rig.KillAndRestartAsync();

        Assert.Equal("failed", (await rig.Records.DeploymentAsync(cloning)).State);
        var ran = await rig.Records.DeploymentAsync(pending);
        Assert.True(ran.State == "running", ran.ToString());
        await rig.AssertNoStrayContainersAsync();
        await rig.AssertNextDeployAndNoFailedRequestAsync(traffic, output, "after-pending");
    }

    [Fact]
    public async Task Killed_while_cloning_the_deployment_fails_and_nothing_is_left_behind()
    {
        await rig.PrepareAsync();
        await using var traffic = rig.StartTraffic();
        var id = await rig.QueueHangingCloneAsync("cloning");

        await rig.KillAndRestartAsync();

        Assert.Equal("failed", (await rig.Records.DeploymentAsync(id)).State);
        await rig.AssertNoStrayContainersAsync();
        await rig.AssertNextDeployAndNoFailedRequestAsync(traffic, output, "after-cloning");
    }

    [Fact]
    public async Task Killed_while_building_the_deployment_fails_and_nothing_is_left_behind_not_even_its_clone()
    {
        await rig.PrepareAsync();
        await using var traffic = rig.StartTraffic();
        var nonce = Guid.NewGuid().ToString("N")[..12];
        var body = rig.NextBody("building");
        rig.Push(body, slowStepNonce: nonce);
        var id = await rig.QueueDeploymentAsync();
        await rig.WaitForAsync(id, async d => d.State == "building" && await rig.Records.LogContainsAsync(id, SampleDockerfiles.SlowStepLine(nonce)), "the build in its slow step");
        Assert.True(rig.HasCloneFolder(id), "the build's clone is in the work folder");

        await rig.KillAndRestartAsync();

        Assert.Equal("failed", (await rig.Records.DeploymentAsync(id)).State);
        Assert.False(rig.HasCloneFolder(id), "the killed run's clone is left in the work folder");
        await rig.AssertNoStrayContainersAsync();
        await rig.AssertNextDeployAndNoFailedRequestAsync(traffic, output, "after-building", neverServed: body);
    }

    [Fact]
    public async Task Killed_while_deploying_the_unhealthy_new_container_is_removed_and_never_served()
    {
        await rig.PrepareAsync();
        await using var traffic = rig.StartTraffic();
        await rig.SetVariableAsync(SampleDockerfiles.HoldHealthVariable, "1");
        var body = rig.NextBody("deploying");
        rig.Push(body);
        var id = await rig.QueueDeploymentAsync();
        await rig.WaitForAsync(id, d => Task.FromResult(d.State == "deploying" && d.ContainerId is not null), "the new container started, waiting for its health check");
        Assert.NotEmpty(await rig.StrayContainersAsync());

        await rig.KillAndRestartAsync();

        Assert.Equal("failed", (await rig.Records.DeploymentAsync(id)).State);
        await rig.AssertNoStrayContainersAsync();
        await rig.RemoveVariableAsync(SampleDockerfiles.HoldHealthVariable);
        await rig.AssertNextDeployAndNoFailedRequestAsync(traffic, output, "after-deploying", neverServed: body);
    }

    [Fact]
    public async Task Killed_during_the_drain_the_replaced_container_is_removed_and_the_new_one_serves()
    {
        // Five minutes of drain (the longest allowed) is far longer than the scenario: the kill lands in it.
        await rig.PrepareAsync(drainDelay: TimeSpan.FromMinutes(5));
        await using var traffic = rig.StartTraffic();
        var body = rig.NextBody("drain");
        rig.Push(body);
        var id = await rig.QueueDeploymentAsync();
        await rig.WaitForAsync(id, async d => d.State == "running" && await rig.Records.LogContainsAsync(id, "Draining the previous container"), "the drain of the replaced container");
        Assert.NotEmpty(await rig.StrayContainersAsync());

        await rig.KillAndRestartAsync();

        Assert.Equal("running", (await rig.Records.DeploymentAsync(id)).State);
        await rig.AssertNoStrayContainersAsync();
        Assert.Equal(body, (await rig.Caddy.GetAsync(PanelCrashRig.AppHost)).Body);
        await rig.AssertNextDeployAndNoFailedRequestAsync(traffic, output, "after-drain");
    }

    [Fact]
    public async Task Killed_while_a_rollback_is_deploying_it_fails_its_container_is_removed_and_the_running_one_serves()
    {
        await rig.PrepareAsync();
        await using var traffic = rig.StartTraffic();
        await rig.EnsureRollbackTargetAsync();
        await rig.SetVariableAsync(SampleDockerfiles.HoldHealthVariable, "1");
        var rollback = await rig.QueueRollbackAsync();
        await rig.WaitForAsync(rollback, d => Task.FromResult(d.State == "deploying" && d.ContainerId is not null), "the rollback's container started, waiting for its health check");
        Assert.Equal("rollback", (await rig.Records.DeploymentAsync(rollback)).Source);

        await rig.KillAndRestartAsync();

        Assert.Equal("failed", (await rig.Records.DeploymentAsync(rollback)).State);
        await rig.AssertNoStrayContainersAsync();
        await rig.RemoveVariableAsync(SampleDockerfiles.HoldHealthVariable);
        await rig.AssertNextDeployAndNoFailedRequestAsync(traffic, output, "after-rollback");
    }

    [Fact]
    public async Task Killed_during_a_service_pull_the_operation_and_service_fail_as_interrupted_and_no_container_is_left()
    {
        await rig.PrepareAsync();
        await using var traffic = rig.StartTraffic();
        var connections = rig.Registry.Connections;
        var (operation, service) = await rig.CreateServiceAsync(PanelCrashRig.StalledTemplate, "pulled", "latest");
        await rig.WaitForServiceAsync(operation, service, "pulling", () => rig.Registry.Connections > connections);

        // Nothing recorded an end: the SIGKILL left the operation running and the service pulling.
        await rig.KillAndRestartAsync(async () => Assert.Equal(("running", (string?)null), await rig.Records.OperationAsync(operation)));

        Assert.Equal(("failed", "failed: " + ServiceRecovery.InterruptedReason), await rig.WaitOperationEndedAsync(operation));
        var failed = await rig.Records.ServiceAsync(service);
        Assert.Equal(("failed", ServiceRecovery.InterruptedReason), (failed.State, failed.Reason));
        await rig.AssertNoStrayContainersAsync();
        await rig.AssertNextDeployAndNoFailedRequestAsync(traffic, output, "after-pull");
    }

    [Fact]
    public async Task Killed_during_a_service_version_change_the_service_fails_leaves_nothing_and_changes_version_after_restart()
    {
        await rig.PrepareAsync();
        await using var traffic = rig.StartTraffic();
        var (created, service) = await rig.CreateServiceAsync(PanelCrashRig.VersionedTemplate, "versioned", "latest");
        Assert.Equal("succeeded", (await rig.WaitOperationEndedAsync(created)).State);
        var connections = rig.Registry.Connections;
        var change = await rig.ChangeServiceVersionAsync(service, "v2");
        await rig.WaitForServiceAsync(change, service, "pulling", () => rig.Registry.Connections > connections);

        await rig.KillAndRestartAsync();

        Assert.Equal("failed", (await rig.WaitOperationEndedAsync(change)).State);
        Assert.Equal("failed", (await rig.Records.ServiceAsync(service)).State);
        await rig.AssertNoStrayContainersAsync();

        // The service changes version again once the panel is back; its container is the only one it has.
        var back = await rig.ChangeServiceVersionAsync(service, "latest");
        Assert.Equal("succeeded", (await rig.WaitOperationEndedAsync(back)).State);
        var running = await rig.Records.ServiceAsync(service);
        Assert.Equal(("running", "latest"), (running.State, running.Version));
        await rig.AssertNoStrayContainersAsync();
        await rig.AssertNextDeployAndNoFailedRequestAsync(traffic, output, "after-version");
    }
}
