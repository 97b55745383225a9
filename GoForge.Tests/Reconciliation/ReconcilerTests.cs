using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Auditing;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Reconciliation;
using GoForge.Core.Services;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Tests.Harness;
using GoForge.Tests.Proxy;
using GoForge.Tests.Support;

namespace GoForge.Tests.Reconciliation;

/// <summary>
/// The reconciler on the real engine, PostgreSQL and Caddy: each test leaves the engine or the proxy as a crash would
/// (a leftover container, a stopped or removed one, a lost route) and runs one pass (docs/deployments/after-a-crash.md).
/// Other panels on their own databases share the engine meanwhile: nothing of theirs is ours.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReconcilerTests(PostgresFixture postgres, DockerFixture docker, CaddyFixture caddy)
    : IClassFixture<DockerFixture>, IClassFixture<CaddyFixture>, IAsyncLifetime
{
    private TestTemplateFolder _templates = null!;
    private CaddyPanel _panel = null!;
    private CrashScene _scene = null!;
    private Guid _installation;

    public async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker);
        _panel = await CaddyPanel.StartAsync(postgres, docker, caddy, "reconcile", new Dictionary<string, string?>
        {
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
        });
        _scene = new CrashScene(docker.Client, _panel.Host);
        _installation = await _panel.Host.Get<InstallationIdentity>().IdAsync();
        await BusyboxImage.EnsureAsync(docker.Client);
    }

    public async Task DisposeAsync()
    {
        await _scene.DisposeAsync();
        await _panel.Host.Services.RemoveProjectServicesAsync(_panel.ProjectId);
        await _panel.DisposeAsync();
        _templates.Dispose();
    }

    [Fact]
    public async Task A_failed_deployments_leftover_container_is_removed_once_the_running_one_is_up_and_routed_again()
    {
        var app = await _panel.CreateAppAsync("leftover", "app-leftover.test");
        app.Serve("leftover v1");
        var running = await _panel.DeployAsync(app);
        // Killed in Deploying after the proxy switched: recorded Failed by the recovery, its container still runs and is routed.
        var failed = await _scene.RecordDeploymentAsync(app.App.Id, DeploymentState.Failed);
        var leftover = await _scene.RunAppContainerAsync(app.App, failed.Id, running.ImageTag!);
        await RouteToAsync(app, leftover);

        var report = await ReconcileAsync();

        Assert.Equal([running.ContainerId!], await _panel.ContainersAsync(app.App.Id));
        Assert.Contains(await RunningAddressAsync(app, running), await DialsAsync(app));
        Assert.Equal((HttpStatusCode.OK, "leftover v1"), await caddy.GetAsync("app-leftover.test"));
        Assert.Equal(1, report.Count(AuditActions.ReconcilerRouteRestored));
        var events = await EventsAsync(app);
        Assert.Contains(events, e => e.Action == AuditActions.ReconcilerContainerRemoved && e.ActorUserId is null
            && e.Detail!.Contains($"left by deployment {failed.Id} (failed)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_superseded_deployments_container_still_running_after_a_cut_drain_is_removed()
    {
        var app = await _panel.CreateAppAsync("drain", "app-drain.test");
        app.Serve("drain v1");
        var first = await _panel.DeployAsync(app);
        app.Serve("drain v2");
        var second = await _panel.DeployAsync(app);
        // Killed during the drain: the first is Superseded already, its container was never stopped.
        var kept = await _scene.RunAppContainerAsync(app.App, first.Id, first.ImageTag!);

        await ReconcileAsync();

        Assert.Equal([second.ContainerId!], await _panel.ContainersAsync(app.App.Id));
        Assert.DoesNotContain(kept, await _panel.ContainersAsync(app.App.Id));
        Assert.Equal((HttpStatusCode.OK, "drain v2"), await caddy.GetAsync("app-drain.test"));
        Assert.Contains(await EventsAsync(app), e => e.Detail!.Contains("(superseded)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_running_deployment_whose_container_was_removed_is_deployed_again_from_its_image_once()
    {
        var app = await _panel.CreateAppAsync("gone", "app-gone.test");
        app.Serve("gone v1");
        var running = await _panel.DeployAsync(app);
        await _panel.Host.Get<IContainerRuntime>().StopAndRemoveAsync(running.ContainerId!);

        var report = await ReconcileAsync();

        Assert.Equal(1, report.Count(AuditActions.ReconcilerRedeployQueued));
        var recovery = await WaitForDeploymentAsync(app, d => d.Source == DeploymentSource.Recovery && d.IsFinishedOrRunning());
        Assert.Equal(DeploymentState.Running, recovery.State);
        Assert.Equal(running.ImageTag, recovery.ImageTag);
        Assert.Equal((HttpStatusCode.OK, "gone v1"), await caddy.GetAsync("app-gone.test"));
        var again = await ReconcileAsync();
        Assert.Equal(0, again.Count(AuditActions.ReconcilerRedeployQueued));
        Assert.Equal([recovery.ContainerId!], await _panel.ContainersAsync(app.App.Id));
    }

    [Fact]
    public async Task A_redeploy_whose_image_is_gone_fails_and_is_not_queued_again()
    {
        var app = await _panel.CreateAppAsync("noimage", "app-noimage.test");
        app.Serve("noimage v1");
        var running = await _panel.DeployAsync(app);
        var runtime = _panel.Host.Get<IContainerRuntime>();
        await runtime.StopAndRemoveAsync(running.ContainerId!);
        await runtime.RemoveImageAsync(running.ImageTag!);

        Assert.Equal(1, (await ReconcileAsync()).Count(AuditActions.ReconcilerRedeployQueued));
        var recovery = await WaitForDeploymentAsync(app, d => d.Source == DeploymentSource.Recovery && d.IsFinishedOrRunning());

        Assert.Equal(DeploymentState.Failed, recovery.State);
        Assert.Equal(0, (await ReconcileAsync()).Count(AuditActions.ReconcilerRedeployQueued));
    }

    [Fact]
    public async Task A_stopped_container_of_the_running_deployment_is_started_again_and_routed()
    {
        var app = await _panel.CreateAppAsync("stopped", "app-stopped.test");
        app.Serve("stopped v1");
        var running = await _panel.DeployAsync(app);
        await docker.Client.Containers.StopContainerAsync(running.ContainerId!, new ContainerStopParameters { WaitBeforeKillSeconds = 0 });
        Assert.Equal(HttpStatusCode.BadGateway, (await caddy.GetAsync("app-stopped.test")).Status);

        var report = await ReconcileAsync();

        Assert.Equal(1, report.Count(AuditActions.ReconcilerContainerStarted));
        Assert.True((await docker.Client.Containers.InspectContainerAsync(running.ContainerId!)).State?.Running == true);
        Assert.Equal((HttpStatusCode.OK, "stopped v1"), await caddy.GetAsync("app-stopped.test"));
    }

    [Fact]
    public async Task After_a_caddy_restart_the_running_deployments_route_is_back()
    {
        var app = await _panel.CreateAppAsync("restart", "app-restart.test");
        app.Serve("restart v1");
        await _panel.DeployAsync(app);
        await caddy.RestartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await caddy.GetAsync("app-restart.test")).Status);

        var report = await ReconcileAsync();

        Assert.Equal(1, report.Count(AuditActions.ReconcilerRouteRestored));
        Assert.Equal((HttpStatusCode.OK, "restart v1"), await caddy.GetAsync("app-restart.test"));
        Assert.Equal(0, (await ReconcileAsync()).Count(AuditActions.ReconcilerRouteRestored));
    }

    [Fact]
    public async Task After_a_caddy_restart_a_running_services_route_is_back()
    {
        var commands = _panel.Host.Get<ServiceCommands>();
        var preview = await _panel.Host.Get<ServiceInstanceService>().PreviewAsync("test-kv");
        Assert.True(preview.IsSuccess, preview.Error?.Message);
        var queued = await commands.CreateAsync(_panel.Owner, _panel.EnvironmentId,
            new ServiceInstanceInput { TemplateId = "test-kv", Name = "routed", Inputs = preview.Value!.Inputs, Domain = "svc-restart.test" });
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        var created = await commands.WaitAsync(queued.Value!, TimeSpan.FromMinutes(2));
        Assert.Equal(ServiceOperationState.Succeeded, created.State);
        var proxy = _panel.Host.Get<GoForge.Core.Routing.IProxyRoutes>();
        Assert.True((await proxy.ReadRoutesAsync())!.Has(created.ServiceId), "the created service is routed");
        await caddy.RestartAsync();
        Assert.False((await proxy.ReadRoutesAsync())!.Has(created.ServiceId), "Caddy kept the route over its restart");

        var report = await ReconcileAsync();

        Assert.Contains(report.Actions, a => a.StartsWith($"{AuditActions.ReconcilerRouteRestored} service:{created.ServiceId}", StringComparison.Ordinal));
        Assert.True((await proxy.ReadRoutesAsync())!.Has(created.ServiceId), "the service's route is back");
        // Routed to its own container: the next pass finds nothing to put back.
        Assert.DoesNotContain((await ReconcileAsync()).Actions, a => a.Contains($"service:{created.ServiceId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Containers_of_another_installation_or_database_and_foreign_ones_are_left_untouched()
    {
        var app = await _panel.CreateAppAsync("neighbour", "app-neighbour.test");
        var elsewhere = Guid.NewGuid().ToString();
        var foreign = new List<string>
        {
            // Another panel's (its own installation id), even one naming our application.
            await _scene.RunAsync(CrashScene.AppLabels(app.App.Id, Guid.NewGuid(), installation: elsewhere)),
            await _scene.RunAsync(CrashScene.AppLabels(Guid.NewGuid(), Guid.NewGuid(), installation: elsewhere)),
            // Made before the installation label by a panel on another database: its deployment is not ours.
            await _scene.RunAsync(CrashScene.AppLabels(Guid.NewGuid(), Guid.NewGuid(), installation: null)),
            // Someone's own container that merely looks like ours.
            await _scene.RunAsync(new Dictionary<string, string> { [GoForgeLabels.App] = app.App.Id.ToString(), ["com.example.owner"] = "ops" }),
        };

        var report = await ReconcileAsync();

        foreach (var id in foreign)
        {
            Assert.True((await docker.Client.Containers.InspectContainerAsync(id)).State?.Running == true, $"{id} was touched");
        }

        Assert.DoesNotContain(report.Actions, a => foreign.Any(f => a.Contains(f[..12], StringComparison.Ordinal)));
        Assert.DoesNotContain(report.Actions, a => a.Contains(app.App.Id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_container_of_a_deleted_application_is_removed()
    {
        var deletedApp = Guid.NewGuid();
        var orphan = await _scene.RunAsync(CrashScene.AppLabels(deletedApp, Guid.NewGuid(), installation: _installation.ToString()));

        var report = await ReconcileAsync();

        await AssertGoneAsync(orphan);
        Assert.Contains(report.Actions, a => a.StartsWith($"{AuditActions.ReconcilerContainerRemoved} application:{deletedApp}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_half_created_services_leftover_container_is_removed_and_its_volume_kept()
    {
        var app = await _panel.CreateAppAsync("neighbourhood", "app-neighbourhood.test");
        var now = DateTimeOffset.UtcNow;
        var service = new ServiceInstance
        {
            Id = Guid.NewGuid(), ProjectId = app.App.ProjectId, EnvironmentId = app.App.EnvironmentId, TemplateId = "test", Version = "1",
            Name = "half", Slug = "half-" + Guid.NewGuid().ToString("N")[..6], State = ServiceState.Failed, Reason = ServiceRecovery.InterruptedReason,
            CreatedAt = now, UpdatedAt = now,
        };
        Assert.Equal(GoForge.Core.Projects.SaveOutcome.Saved, await _panel.Host.Get<IServiceInstanceRepository>().TryCreateAsync(service, new Dictionary<string, string>(), null));
        var owner = new Dictionary<string, string>
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Installation] = _installation.ToString(),
            [GoForgeLabels.Service] = service.Id.ToString(),
            [GoForgeLabels.Project] = service.ProjectId.ToString(),
            [GoForgeLabels.Environment] = service.EnvironmentId.ToString(),
        };
        var volume = EngineNames.ServiceVolume(service.Id, "data");
        await _scene.CreateVolumeAsync(volume, new Dictionary<string, string>(owner) { [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ServiceVolume });
        var container = await _scene.RunAsync(new Dictionary<string, string>(owner) { [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ServiceContainer }, volume);

        var report = await ReconcileAsync();

        await AssertGoneAsync(container);
        Assert.Equal(volume, (await docker.Client.Volumes.InspectAsync(volume)).Name);
        Assert.Contains(report.Actions, a => a.StartsWith($"{AuditActions.ReconcilerContainerRemoved} service:{service.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_empty_network_of_a_deleted_environment_is_removed_and_another_installations_is_not()
    {
        var ours = await _scene.CreateNetworkAsync(EnvironmentNetworkLabels(_installation.ToString()));
        var theirs = await _scene.CreateNetworkAsync(EnvironmentNetworkLabels(Guid.NewGuid().ToString()));

        var report = await ReconcileAsync();

        Assert.Empty(await docker.Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = ById(ours) }));
        Assert.Single(await docker.Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = ById(theirs) }));
        Assert.Equal(1, report.Count(AuditActions.ReconcilerNetworkRemoved));
    }

    [Fact]
    public async Task A_compose_network_of_a_deleted_application_is_removed_and_a_living_applications_is_kept()
    {
        var living = (await _panel.CreateAppAsync("cnetliving", "cnet-living.test")).App;
        var kept = await _scene.CreateNetworkAsync(ComposeNetworkLabels(living.Id));
        var orphan = await _scene.CreateNetworkAsync(ComposeNetworkLabels(Guid.NewGuid()));

        var report = await ReconcileAsync();

        Assert.Empty(await docker.Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = ById(orphan) }));
        Assert.Single(await docker.Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = ById(kept) }));
        Assert.Contains(report.Actions, a => a.StartsWith(AuditActions.ReconcilerNetworkRemoved, StringComparison.Ordinal) && a.Contains("its application no longer exists", StringComparison.Ordinal));
    }

    private Dictionary<string, string> ComposeNetworkLabels(Guid appId) => new(EnvironmentNetworks.ComposeOwnerLabels(Guid.NewGuid(), Guid.NewGuid(), appId))
    {
        [GoForgeLabels.Installation] = _installation.ToString(),
    };

    [Fact]
    public async Task Nothing_of_an_application_with_work_in_flight_is_touched()
    {
        var app = await _panel.CreateAppAsync("busy", "app-busy.test");
        app.Serve("busy v1");
        var running = await _panel.DeployAsync(app);
        var other = await _scene.RecordDeploymentAsync(app.App.Id, DeploymentState.Failed);
        var leftover = await _scene.RunAppContainerAsync(app.App, other.Id, running.ImageTag!);
        var cancellations = _panel.Host.Get<DeploymentCancellations>();

        // A deployment draining in this process (Running already, its predecessor's container not yet removed).
        var draining = Guid.NewGuid();
        using (cancellations.Register(draining, CancellationToken.None, app.App.Id))
        {
            var report = await ReconcileAsync();
            Assert.Contains(leftover, await _panel.ContainersAsync(app.App.Id));
            Assert.True(report.Skipped >= 1);
            cancellations.Unregister(draining);
        }

        // A deployment in Deploying (recorded by another step of the pipeline).
        var deploying = await _scene.RecordDeploymentAsync(app.App.Id, DeploymentState.Deploying);
        Assert.Contains(leftover, await _panel.ContainersAsync(app.App.Id));
        await ReconcileAsync();
        Assert.Contains(leftover, await _panel.ContainersAsync(app.App.Id));

        Assert.True(await _panel.Host.Get<IDeploymentRepository>().TryTransitionAsync(deploying.Id, DeploymentState.Deploying, DeploymentState.Failed, "test", null, DateTimeOffset.UtcNow));
        await ReconcileAsync();
        Assert.DoesNotContain(leftover, await _panel.ContainersAsync(app.App.Id));
    }

    private Task<ReconcileReport> ReconcileAsync() => _panel.Host.Get<Reconciler>().RunAsync(CancellationToken.None);

    private async Task RouteToAsync(ProxiedApp app, string containerId)
    {
        var environment = (await _panel.Host.Get<GoForge.Core.Projects.IEnvironmentRepository>().GetAsync(app.App.EnvironmentId))!;
        var routes = _panel.Host.Get<ApplicationRoutes>();
        var target = (await routes.TargetAsync(app.App, environment)).Value!;
        var name = (await docker.Client.Containers.InspectContainerAsync(containerId)).Name.TrimStart('/');
        await routes.ApplyAsync(target, app.App, containerId, name);
        Assert.DoesNotContain(await RunningAddressAsync(app, (await _panel.Host.Get<IDeploymentRepository>().ListRunningAsync(app.App.Id))[0]), await DialsAsync(app));
    }

    private async Task<string> RunningAddressAsync(ProxiedApp app, Deployment running) =>
        (await _panel.Host.Get<IContainerRuntime>().AddressAsync(running.ContainerId!, EngineNames.EnvironmentNetwork(app.App.EnvironmentId)))!;

    private async Task<string> DialsAsync(ProxiedApp app) => (await caddy.FindByIdAsync(CaddyRoutes.RouteId(app.App.Id)))?.ToJsonString() ?? "";

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync(ProxiedApp app) =>
        (await _panel.Host.Get<ApplicationEvents>().ListAsync(_panel.Owner, app.App.Id)).Value!;

    private async Task<Deployment> WaitForDeploymentAsync(ProxiedApp app, Func<Deployment, bool> condition)
    {
        Deployment? found = null;
        await Wait.UntilAsync(async () =>
        {
            found = (await _panel.Host.Get<IDeploymentRepository>().ListByApplicationAsync(app.App.Id, 20)).FirstOrDefault(condition);
            return found is not null;
        }, "the recovery deployment to end", CaddyPanel.BuildWait);
        return found!;
    }

    private static Dictionary<string, string> EnvironmentNetworkLabels(string installation) => new()
    {
        [GoForgeLabels.Managed] = "true",
        [GoForgeLabels.Kind] = GoForgeLabels.Kinds.EnvironmentNetwork,
        [GoForgeLabels.Installation] = installation,
        [GoForgeLabels.Project] = Guid.NewGuid().ToString(),
        [GoForgeLabels.Environment] = Guid.NewGuid().ToString(),
    };

    private static Dictionary<string, IDictionary<string, bool>> ById(string id) => new() { ["id"] = new Dictionary<string, bool> { [id] = true } };

    private async Task AssertGoneAsync(string containerId)
    {
        var listed = await docker.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = ById(containerId) });
        Assert.Empty(listed);
    }
}

internal static class DeploymentTestStates
{
    public static bool IsFinishedOrRunning(this Deployment deployment) => deployment.IsFinished || deployment.State == DeploymentState.Running;
}
