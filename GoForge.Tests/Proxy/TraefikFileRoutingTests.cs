using GoForge.Core.Auditing;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Reconciliation;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Proxy.Traefik;
using GoForge.Tests.Support;

namespace GoForge.Tests.Proxy;

/// <summary>
/// The Traefik adapter end to end: applications deployed by the real worker on the real engine and PostgreSQL, routed
/// by files in the folder Traefik's file provider would watch. Traefik itself cannot be installed here: the files are
/// checked against its schema, and the manual check on a real server is in docs/benchmarks.md.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TraefikFileRoutingTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private CaddyPanel _panel = null!;

    public async Task InitializeAsync() => _panel = await CaddyPanel.StartTraefikAsync(postgres, docker, "traefikfile", new Dictionary<string, string?>
    {
        // Short, so the redeploys' wait for Traefik's reload stays short; the wait itself is TraefikFileRoutesTests'.
        ["GoForge:Proxy:Traefik:ReloadDelay"] = "00:00:00.200",
    });

    public async Task DisposeAsync() => await _panel.DisposeAsync();

    private string RouteFile(Guid applicationId) => Path.Combine(_panel.TraefikFolder, TraefikFileRoutes.FileName(applicationId));

    private void FailsToStart(ProxiedApp app) =>
        app.Repository.Commit("exits", SampleDockerfiles.PrintsTokenAndExits(app.Nonce), new Dictionary<string, string> { ["index.html"] = "never\n" });

    private async Task<string> ServerOfAsync(Guid applicationId)
    {
        var text = await File.ReadAllTextAsync(RouteFile(applicationId));
        TraefikSchema.AssertValid(text, "the route file");
        return Assert.Single(TraefikDynamicConfig.ServerUrls(TraefikSchema.Parse(text)));
    }

    private static string Expected(Deployment deployment, ProxiedApp app) => $"http://{EngineNames.AppContainer(deployment.Id, app.App.Slug)}:8080";

    [Fact]
    public async Task A_route_file_appears_only_for_a_healthy_container_and_follows_each_redeploy_to_the_new_one()
    {
        var app = await _panel.CreateAppAsync("files", "traefik-files.test");
        FailsToStart(app);
        var never = await _panel.DeployAsync(app, expectRunning: false);
        Assert.Equal(DeploymentState.Failed, never.State);
        Assert.False(File.Exists(RouteFile(app.App.Id)), "a container that never got healthy was routed");

        app.Serve("files v1");
        var first = await _panel.DeployAsync(app);
        Assert.Equal(Expected(first, app), await ServerOfAsync(app.App.Id));

        app.Serve("files v2");
        var second = await _panel.DeployAsync(app);
        Assert.Equal(Expected(second, app), await ServerOfAsync(app.App.Id));
        Assert.Equal([second.ContainerId!], await _panel.ContainersAsync(app.App.Id));

        FailsToStart(app);
        var broken = await _panel.DeployAsync(app, expectRunning: false);
        Assert.Equal(DeploymentState.Failed, broken.State);
        Assert.Equal(Expected(second, app), await ServerOfAsync(app.App.Id));
    }

    [Fact]
    public async Task No_container_goforge_starts_carries_a_traefik_label()
    {
        var app = await _panel.CreateAppAsync("unlabelled", "traefik-unlabelled.test");
        app.Serve("unlabelled");

        var deployed = await _panel.DeployAsync(app);

        var labels = (await docker.Client.Containers.InspectContainerAsync(deployed.ContainerId!)).Config!.Labels;
        Assert.DoesNotContain(labels.Keys, key => key.StartsWith("traefik", StringComparison.OrdinalIgnoreCase));
        Assert.True(File.Exists(RouteFile(app.App.Id)));
    }

    [Fact]
    public async Task A_route_file_deleted_while_the_panel_is_down_is_written_back_by_the_reconciler_after_the_restart()
    {
        var app = await _panel.CreateAppAsync("healed", "traefik-healed.test");
        app.Serve("healed");
        var deployed = await _panel.DeployAsync(app);

        await _panel.RestartAsync(() =>
        {
            File.Delete(RouteFile(app.App.Id));
            return Task.CompletedTask;
        });

        // The panel's ReconcilerWorker runs this pass at start; the tests' host has no workers but the deployment one.
        var report = await _panel.Host.Get<Reconciler>().RunAsync(CancellationToken.None);

        Assert.Equal(1, report.Count(AuditActions.ReconcilerRouteRestored));
        Assert.Equal(Expected(deployed, app), await ServerOfAsync(app.App.Id));
        Assert.True((await _panel.Host.Get<IProxyRoutes>().ReadRoutesAsync())!.RoutesTo(app.App.Id, EngineNames.AppContainer(deployed.Id, app.App.Slug), []));
        Assert.Equal(0, (await _panel.Host.Get<Reconciler>().RunAsync(CancellationToken.None)).Count(AuditActions.ReconcilerRouteRestored));
    }

    [Fact]
    public async Task Deleting_the_app_removes_its_route_file()
    {
        var app = await _panel.CreateAppAsync("doomed", "traefik-doomed.test");
        app.Serve("doomed");
        await _panel.DeployAsync(app);
        Assert.True(File.Exists(RouteFile(app.App.Id)));

        var deleted = await _panel.Host.Get<ApplicationService>().DeleteAsync(_panel.Owner, app.App.Id);

        Assert.True(deleted.IsSuccess, deleted.Error?.Message);
        Assert.False(File.Exists(RouteFile(app.App.Id)));
    }
}
