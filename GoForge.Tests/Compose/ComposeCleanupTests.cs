using Docker.DotNet.Models;
using GoForge.Core.Auditing;
using GoForge.Core.Compose;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Reconciliation;
using GoForge.Core.Routing;
using GoForge.Core.Volumes;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Tests.Harness;
using GoForge.Tests.Proxy;
using GoForge.Tests.Reconciliation;
using GoForge.Tests.Support;

namespace GoForge.Tests.Compose;

/// <summary>
/// A compose application's containers, routes and volumes on the real engine and PostgreSQL, left as a crash or a delete
/// finds them (docs/deployments/compose-overview.md): the reconciler keeps the running set whole and removes the rest
/// that is provably ours; deleting takes every service's route and container, and its compose volumes only when asked.
/// The service rows make an application a compose one for these parts; the deploy step that writes them is tested apart.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ComposeCleanupTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private CaddyPanel _panel = null!;
    private CrashScene _scene = null!;
    private string _installation = null!;

    public async Task InitializeAsync()
    {
        _panel = await CaddyPanel.StartTraefikAsync(postgres, docker, "composeclean", new Dictionary<string, string?> { ["GoForge:Proxy:Traefik:ReloadDelay"] = "00:00:00.100" });
        _scene = new CrashScene(docker.Client, _panel.Host);
        _installation = (await _panel.Host.Get<InstallationIdentity>().IdAsync()).ToString();
        await BusyboxImage.EnsureAsync(docker.Client);
    }

    public async Task DisposeAsync()
    {
        await _scene.DisposeAsync();
        await _panel.DisposeAsync();
    }

    [Fact]
    public async Task The_reconciler_keeps_the_running_set_whole_starts_its_stopped_service_and_removes_a_crashed_deployments_containers_but_nothing_foreign()
    {
        var app = (await _panel.CreateAppAsync("composeset", "composeset.test")).App;
        var running = await _scene.RecordDeploymentAsync(app.Id, DeploymentState.Running);
        var web = await RunServiceAsync(app.Id, running.Id, "web");
        var worker = await RunServiceAsync(app.Id, running.Id, "worker");
        await SaveAsync(running.Id, ("web", web), ("worker", worker));
        await docker.Client.Containers.StopContainerAsync(worker, new ContainerStopParameters { WaitBeforeKillSeconds = 1 });
        // Killed mid-deploy: recorded Failed by the recovery, its new web container still runs.
        var crashed = await _scene.RecordDeploymentAsync(app.Id, DeploymentState.Failed);
        var leftover = await RunServiceAsync(app.Id, crashed.Id, "web");
        var leftoverName = (await docker.Client.Containers.InspectContainerAsync(leftover)).Name.TrimStart('/');
        // Another panel's container naming our application and service: not provably ours.
        var foreign = await _scene.RunAsync(Labels(app.Id, Guid.NewGuid(), "web", installation: Guid.NewGuid().ToString()));

        var report = await _panel.Host.Get<Reconciler>().RunAsync(CancellationToken.None);

        var left = await _panel.ContainersAsync(app.Id);
        Assert.Equal(new[] { web, worker, foreign }.Order(), left.Order());
        Assert.True((await docker.Client.Containers.InspectContainerAsync(worker)).State?.Running == true);
        Assert.True((await docker.Client.Containers.InspectContainerAsync(foreign)).State?.Running == true);
        Assert.Equal(1, report.Count(AuditActions.ReconcilerContainerStarted));
        Assert.Contains(report.Actions, a => a.StartsWith(AuditActions.ReconcilerContainerRemoved, StringComparison.Ordinal)
            && a.Contains($"deployment {crashed.Id} (failed)", StringComparison.Ordinal) && a.Contains(leftoverName, StringComparison.Ordinal));
        Assert.DoesNotContain(report.Actions, a => a.Contains(foreign[..12], StringComparison.Ordinal));

        // The next pass finds the set as it should be: nothing to do.
        var again = await _panel.Host.Get<Reconciler>().RunAsync(CancellationToken.None);
        Assert.DoesNotContain(again.Actions, a => a.Contains($"application:{app.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Killed_after_a_new_sets_route_switch_the_reconciler_routes_the_running_set_back_before_removing_the_new_sets_containers()
    {
        var app = (await _panel.CreateComposeAppAsync("composeswitch", "web: composeswitch.test")).App;
        var running = await _scene.RecordDeploymentAsync(app.Id, DeploymentState.Running);
        await _panel.Host.Get<IComposeDeployments>().SaveSnapshotAsync(running.Id, new ComposeSnapshot("compose.yaml", new Dictionary<string, string>
        {
            ["compose.yaml"] = "services:\n  web:\n    image: busybox\n    expose: [\"8081\"]\n  worker:\n    image: busybox\n",
        }));
        var web = await RunServiceAsync(app.Id, running.Id, "web");
        await SaveAsync(running.Id, ("web", web), ("worker", await RunServiceAsync(app.Id, running.Id, "worker")));
        // The new set's web was healthy and the route switched to it; the panel was killed before the deployment was
        // recorded Running, and the recovery recorded it Failed.
        var crashed = await _scene.RecordDeploymentAsync(app.Id, DeploymentState.Failed);
        var switched = await RunServiceAsync(app.Id, crashed.Id, "web");
        var routes = _panel.Host.Get<ComposeRoutes>();
        var environment = await _panel.Host.Get<IEnvironmentRepository>().GetAsync(app.EnvironmentId);
        var target = await routes.TargetAsync(app, environment!, "web", 8081);
        Assert.True(target.IsSuccess, target.Error?.Message);
        await routes.ApplyAsync(target.Value, switched, await NameAsync(switched));

        var report = await _panel.Host.Get<Reconciler>().RunAsync(CancellationToken.None);

        var table = await _panel.Host.Get<IProxyRoutes>().ReadRoutesAsync();
        Assert.True(table!.RoutesTo(ComposeRouteKeys.Of(app.Id, "web"), await NameAsync(web), []), "the web route does not dial the running set's container");
        Assert.Contains(":8081", Assert.Single(table.Upstreams[ComposeRouteKeys.Of(app.Id, "web")]), StringComparison.Ordinal);
        Assert.DoesNotContain(switched, await _panel.ContainersAsync(app.Id));
        Assert.Contains(report.Actions, a => a.StartsWith(AuditActions.ReconcilerRouteRestored, StringComparison.Ordinal) && a.Contains("composeswitch.test", StringComparison.Ordinal));

        var again = await _panel.Host.Get<Reconciler>().RunAsync(CancellationToken.None);
        Assert.DoesNotContain(again.Actions, a => a.Contains($"application:{app.Id}", StringComparison.Ordinal));
    }

    private async Task<string> NameAsync(string containerId) => (await docker.Client.Containers.InspectContainerAsync(containerId)).Name.TrimStart('/');

    [Fact]
    public async Task Deleting_with_its_volumes_removes_each_services_route_container_and_owned_compose_volume_and_keeps_a_foreign_one()
    {
        var kept = await DeployedAsync("composekept");
        var doomed = await DeployedAsync("composedoomed");
        // Someone's volume that merely has the name a compose volume of the application would have.
        var foreign = await _scene.CreateVolumeAsync(EngineNames.ComposeVolume(doomed.App, "cache"), new Dictionary<string, string> { ["com.example.owner"] = "ops" });

        Assert.True((await _panel.Host.Get<ApplicationService>().DeleteAsync(_panel.Owner, kept.App)).IsSuccess);
        var deleted = await _panel.Host.Get<AppVolumeService>().DeleteApplicationAsync(_panel.Owner, doomed.App, deleteVolumes: true);

        Assert.True(deleted.IsSuccess, deleted.Error?.Message);
        foreach (var (app, volume) in new[] { kept, doomed })
        {
            Assert.Empty(await _panel.ContainersAsync(app));
            Assert.False(File.Exists(RouteFile(app, "web")), "the web service's route is still there");
        }

        var volumes = await _panel.Host.Get<IVolumeStore>().ListVolumesAsync(new Dictionary<string, string> { [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ComposeVolume });
        Assert.Contains(kept.Volume, volumes);
        Assert.DoesNotContain(doomed.Volume, volumes);
        Assert.NotNull(await _panel.Host.Get<IVolumeStore>().GetLabelsAsync(foreign));
    }

    /// <summary>An application with a running two-service set (web routed, sharing a labelled compose volume with worker) and web's route file.</summary>
    private async Task<(Guid App, string Volume)> DeployedAsync(string name)
    {
        var app = (await _panel.CreateAppAsync(name, $"{name}.test")).App;
        var running = await _scene.RecordDeploymentAsync(app.Id, DeploymentState.Running);
        var volume = await _scene.CreateVolumeAsync(EngineNames.ComposeVolume(app.Id, "shared"), new Dictionary<string, string>
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ComposeVolume,
            [GoForgeLabels.App] = app.Id.ToString(),
            [GoForgeLabels.ComposeVolume] = "shared",
            [GoForgeLabels.Installation] = _installation,
        });
        await SaveAsync(running.Id, ("web", await RunServiceAsync(app.Id, running.Id, "web", volume)), ("worker", await RunServiceAsync(app.Id, running.Id, "worker", volume)));
        Directory.CreateDirectory(_panel.TraefikFolder);
        await File.WriteAllTextAsync(RouteFile(app.Id, "web"), "http: {}\n");
        return (app.Id, volume);
    }

    private string RouteFile(Guid appId, string service) => Path.Combine(_panel.TraefikFolder, TraefikFileRoutes.FileName(ComposeRouteKeys.Of(appId, service)));

    private Task<string> RunServiceAsync(Guid appId, Guid deploymentId, string service, string? volume = null) =>
        _scene.RunAsync(Labels(appId, deploymentId, service, _installation), volume: volume, init: true);

    private static Dictionary<string, string> Labels(Guid appId, Guid deploymentId, string service, string installation)
    {
        var labels = CrashScene.AppLabels(appId, deploymentId, installation);
        labels[GoForgeLabels.ComposeService] = service;
        return labels;
    }

    private async Task SaveAsync(Guid deploymentId, params (string Service, string ContainerId)[] services)
    {
        var compose = _panel.Host.Get<IComposeDeployments>();
        for (var i = 0; i < services.Length; i++)
        {
            await compose.SaveServiceAsync(deploymentId, new ComposeServiceRecord(services[i].Service, i, $"goforge/compose-{services[i].Service}:{deploymentId:N}", services[i].ContainerId, i == 0, ComposeServiceState.Running));
        }
    }
}
