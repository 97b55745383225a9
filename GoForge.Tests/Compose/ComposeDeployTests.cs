using System.Net;
using GoForge.Core.Compose;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Proxy;
using GoForge.Tests.Support;

namespace GoForge.Tests.Compose;

/// <summary>
/// A two-service compose repository on the real engine through a real Caddy (docs/deployments/compose.md): a busybox
/// web server with a domain, and a busybox worker writing to a named volume the web server serves from. It deploys to
/// Running and answers through Caddy; a redeploy drops no request at a steady rate; a rollback brings both services'
/// images back; a service that exits fails the deployment with its log while the previous set keeps serving.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ComposeDeployTests(PostgresFixture postgres, SharedCaddyPanel shared) : IClassFixture<SharedCaddyPanel>, IAsyncLifetime
{
    private CaddyFixture Caddy => shared.Caddy;
    private CaddyPanel _panel = null!;

    public async Task InitializeAsync() => _panel = await shared.GetAsync(postgres, "composedeploy");

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Serves its <c>index.html</c> at / on 8080 and the shared volume (mounted at /data) under /shared/. The shell
    /// stays PID 1 and exits on SIGTERM.
    /// </summary>
    private const string WebDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        COPY index.html /srv/index.html
        CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; cp /srv/index.html /www/; ln -s /data /www/shared; httpd -f -p 8080 -h /www & wait"]
        """;

    /// <summary>Writes <c>worker &lt;version&gt;</c> (baked into its image) to the shared volume, then waits; or, broken, prints and exits 3.</summary>
    private static string WorkerDockerfile(string version, bool broken) => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        RUN ["/bin/sh", "-c", "echo worker {{version}} > /version"]
        CMD {{(broken
            ? $"[\"/bin/sh\", \"-c\", \"echo worker {version} cannot start: no queue; exit 3\"]"
            : "[\"/bin/sh\", \"-c\", \"trap 'exit 0' TERM; cp /version /data/worker.txt; echo worker wrote $(cat /version); sleep 3600 & wait\"]")}}
        """;

    private const string ComposeFile = """
        services:
          web:
            build: .
            depends_on:
              worker:
                condition: service_healthy
            volumes:
              - shared:/data
          worker:
            build:
              context: .
              dockerfile: worker.Dockerfile
            volumes:
              - shared:/data
            healthcheck:
              test: ["CMD", "test", "-s", "/data/worker.txt"]
              interval: 1s
              timeout: 2s
              retries: 20
        volumes:
          shared:
        """;

    private static void Push(ProxiedApp app, string version, bool brokenWorker = false) =>
        app.Repository.Commit(version, WebDockerfile, new Dictionary<string, string>
        {
            ["index.html"] = $"web {version}\n",
            ["worker.Dockerfile"] = WorkerDockerfile(version, brokenWorker),
            ["compose.yaml"] = ComposeFile,
        });

    private async Task<ProxiedApp> ComposeAppAsync(string name, string host)
    {
        var app = await _panel.CreateComposeAppAsync(name, $"web: {host}");
        Push(app, "v1");
        return app;
    }

    private Task<IReadOnlyList<ComposeServiceRecord>> ServicesAsync(Deployment deployment) =>
        _panel.Host.Get<IComposeDeployments>().ListServicesAsync(deployment.Id);

    private async Task<IReadOnlyList<EngineContainer>> RunningContainersAsync(ProxiedApp app) =>
        (await _panel.Host.Get<IContainerRuntime>().ListLabelledAsync(new Dictionary<string, string> { [GoForgeLabels.App] = app.App.Id.ToString() }))
            .Where(c => c.IsRunning).ToList();

    [Fact]
    public async Task A_two_service_set_deploys_to_running_answers_through_caddy_and_redeploys_with_no_failed_request()
    {
        const string host = "web.compose-deploy.test";
        var app = await ComposeAppAsync("stack", host);

        var first = await _panel.DeployAsync(app);

        Assert.Equal((HttpStatusCode.OK, "web v1"), await Caddy.GetAsync(host));
        // The worker ran first (web waits for it to be healthy) and wrote to the volume web serves.
        Assert.Equal((HttpStatusCode.OK, "worker v1"), await Caddy.GetAsync(host, "/shared/worker.txt"));
        var rows = await ServicesAsync(first);
        Assert.Equal(["worker", "web"], rows.OrderBy(r => r.Position).Select(r => r.Service));
        Assert.All(rows, r => Assert.Equal(ComposeServiceState.Running, r.State));
        Assert.True(rows.Single(r => r.Service == "web").Routed);
        Assert.False(rows.Single(r => r.Service == "worker").Routed);
        var log = await _panel.LogAsync(first.Id);
        Assert.Contains("[worker] Building .", log, StringComparison.Ordinal);
        Assert.Contains("[web] Building .", log, StringComparison.Ordinal);
        var containers = await RunningContainersAsync(app);
        Assert.Equal(["web", "worker"], containers.Select(c => c.Label(GoForgeLabels.ComposeService)).Order());
        var volume = EngineNames.ComposeVolume(app.App.Id, "shared");
        Assert.Equal(app.App.Id.ToString(), (await _panel.Host.Get<IVolumeStore>().GetLabelsAsync(volume))![GoForgeLabels.App]);

        Push(app, "v2");
        await using var traffic = SteadyTraffic.Start(Caddy, host, requestsPerSecond: 40);
        var second = await _panel.DeployAsync(app);
        // Traffic goes on past the switch and the drain, so requests around both count.
        await Wait.UntilAsync(async () => (await RunningContainersAsync(app)).Count == 2 && (await _panel.ContainersAsync(app.App.Id)).Count == 2, "the previous set to be retired");
        var report = await traffic.StopAsync();

        Assert.True(report.Failed.Count == 0, report.FailureSummary());
        Assert.Contains(report.Outcomes, o => o.Body.Contains("web v2", StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.OK, "web v2"), await Caddy.GetAsync(host));
        Assert.Equal((HttpStatusCode.OK, "worker v2"), await Caddy.GetAsync(host, "/shared/worker.txt"));
        Assert.Equal(DeploymentState.Superseded, (await _panel.Host.Get<IDeploymentRepository>().GetAsync(first.Id))!.State);
        Assert.All(await ServicesAsync(first), r => Assert.Equal(ComposeServiceState.Removed, r.State));
        Assert.All(await RunningContainersAsync(app), c => Assert.Equal(second.Id.ToString(), c.Label(GoForgeLabels.Deployment)));
    }

    [Fact]
    public async Task A_rollback_brings_both_services_back_to_the_previous_deployments_images_and_apply_recreates_the_set_from_them()
    {
        const string host = "rollback.compose-deploy.test";
        var app = await ComposeAppAsync("rollback", host);
        var first = await _panel.DeployAsync(app);
        Push(app, "v2");
        var second = await _panel.DeployAsync(app);
        Assert.Equal((HttpStatusCode.OK, "worker v2"), await Caddy.GetAsync(host, "/shared/worker.txt"));

        var service = _panel.Host.Get<DeploymentService>();
        var targets = (await service.RollbackTargetsAsync(_panel.Owner, app.App.Id)).Value!;
        Assert.Equal(first.Id, targets[0].DeploymentId);
        var queued = await service.RollbackAsync(_panel.Owner, app.App.Id);
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        var rollback = await _panel.UntilEndedAsync(queued.Value!.Id);

        Assert.Equal((HttpStatusCode.OK, "web v1"), await Caddy.GetAsync(host));
        Assert.Equal((HttpStatusCode.OK, "worker v1"), await Caddy.GetAsync(host, "/shared/worker.txt"));
        var firstImages = (await ServicesAsync(first)).ToDictionary(r => r.Service, r => r.ImageTag);
        Assert.All(await ServicesAsync(rollback), r => Assert.Equal(firstImages[r.Service], r.ImageTag));
        Assert.Contains("no clone, no build", await _panel.LogAsync(rollback.Id), StringComparison.Ordinal);
        Assert.Equal(DeploymentState.RolledBack, (await _panel.Host.Get<IDeploymentRepository>().GetAsync(second.Id))!.State);
        await Wait.UntilAsync(async () => (await _panel.ContainersAsync(app.App.Id)).Count == 2, "the rolled-back set to be retired");
        Assert.All(await RunningContainersAsync(app), c => Assert.Equal(rollback.Id.ToString(), c.Label(GoForgeLabels.Deployment)));

        // Apply recreates the set from the same images, without clone or build.
        var apply = await _panel.Host.Get<GoForge.Core.Runtime.ApplicationRuntimeService>().ApplyAsync(_panel.Owner, app.App.Id);
        Assert.True(apply.IsSuccess, apply.Error?.Message);
        var applied = await _panel.UntilEndedAsync(apply.Value!.Id);
        Assert.All(await ServicesAsync(applied), r => Assert.Equal(firstImages[r.Service], r.ImageTag));
        Assert.Equal((HttpStatusCode.OK, "worker v1"), await Caddy.GetAsync(host, "/shared/worker.txt"));
    }

    [Fact]
    public async Task A_service_that_exits_fails_the_deployment_with_its_log_and_the_previous_set_keeps_serving()
    {
        const string host = "broken.compose-deploy.test";
        var app = await ComposeAppAsync("broken", host);
        var first = await _panel.DeployAsync(app);
        Push(app, "v2", brokenWorker: true);

        var failed = await _panel.DeployAsync(app, expectRunning: false);

        Assert.Equal(DeploymentState.Failed, failed.State);
        Assert.Contains("service worker", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("[worker] worker v2 cannot start: no queue", await _panel.LogAsync(failed.Id), StringComparison.Ordinal);
        Assert.Equal(ComposeServiceState.Failed, (await ServicesAsync(failed)).Single(r => r.Service == "worker").State);
        // The previous set is whole again: its worker, stopped for the new one, runs again, and web never stopped.
        Assert.Equal(DeploymentState.Running, (await _panel.Host.Get<IDeploymentRepository>().GetAsync(first.Id))!.State);
        Assert.Equal((HttpStatusCode.OK, "web v1"), await Caddy.GetAsync(host));
        var containers = await RunningContainersAsync(app);
        Assert.Equal(["web", "worker"], containers.Select(c => c.Label(GoForgeLabels.ComposeService)).Order());
        Assert.All(containers, c => Assert.Equal(first.Id.ToString(), c.Label(GoForgeLabels.Deployment)));
        Assert.Equal(2, (await _panel.ContainersAsync(app.App.Id)).Count);
    }

    [Fact]
    public async Task Deleting_a_compose_application_removes_its_services_containers_route_and_images()
    {
        const string host = "deleted.compose-deploy.test";
        var app = await ComposeAppAsync("deleted", host);
        var deployed = await _panel.DeployAsync(app);
        var images = (await ServicesAsync(deployed)).Select(r => r.ImageTag!).ToList();
        Assert.Equal(HttpStatusCode.OK, (await Caddy.GetAsync(host)).Status);

        var deleted = await _panel.Host.Get<ApplicationService>().DeleteAsync(_panel.Owner, app.App.Id);

        Assert.True(deleted.IsSuccess, deleted.Error?.Message);
        Assert.Empty(await _panel.ContainersAsync(app.App.Id));
        Assert.NotEqual(HttpStatusCode.OK, (await Caddy.GetAsync(host)).Status);
        foreach (var image in images)
        {
            await Assert.ThrowsAsync<global::Docker.DotNet.DockerImageNotFoundException>(() => shared.Docker.Client.Images.InspectImageAsync(image));
        }
    }

    /// <summary>A web service and a <c>db</c> service answering "db &lt;owner&gt;" on 8080, as two applications of one environment would both have.</summary>
    private static void PushWithDb(ProxiedApp app, string owner) =>
        app.Repository.Commit(owner, WebDockerfile, new Dictionary<string, string>
        {
            ["index.html"] = $"web {owner}\n",
            ["db.Dockerfile"] = $$"""
                FROM scratch
                COPY busybox /bin/busybox
                RUN ["/bin/busybox", "--install", "-s", "/bin"]
                CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; echo db {{owner}} > /www/index.html; httpd -f -p 8080 -h /www & wait"]
                """,
            ["compose.yaml"] = """
                services:
                  web:
                    build: .
                  db:
                    build:
                      context: .
                      dockerfile: db.Dockerfile
                """,
        });

    /// <summary>A fixed GET of http://db:8080/ (busybox's static wget crashes in these images; its nc does not).</summary>
    private const string HttpGetDb = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 db 8080";

    [Fact]
    public async Task Two_applications_of_one_environment_each_reach_their_own_db_by_its_service_name_and_the_environment_network_knows_neither()
    {
        var apps = new List<ProxiedApp>();
        foreach (var owner in new[] { "alpha", "beta" })
        {
            var app = await _panel.CreateComposeAppAsync($"twin{owner}", $"web: {owner}.twins.compose-deploy.test");
            PushWithDb(app, owner);
            await _panel.DeployAsync(app);
            apps.Add(app);
        }

        foreach (var (app, owner) in apps.Zip(["alpha", "beta"]))
        {
            var web = (await RunningContainersAsync(app)).Single(c => c.Label(GoForgeLabels.ComposeService) == "web");
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var (code, output) = await ContainerExec.RunAsync(shared.Docker.Client, web.Id, ["sh", "-c", HttpGetDb]);
                Assert.True(code == 0, $"exit {code}: {output}");
                Assert.EndsWith($"\r\n\r\ndb {owner}", output.TrimEnd('\n'), StringComparison.Ordinal);
            }
        }

        // A container on the environment's network alone (as a single application is) resolves no service name.
        var outsider = await shared.Docker.Client.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters
        {
            Image = BusyboxImage.Tag,
            Cmd = ["sleep", "120"],
            HostConfig = new global::Docker.DotNet.Models.HostConfig { NetworkMode = EngineNames.EnvironmentNetwork(_panel.EnvironmentId), Init = true },
        });
        try
        {
            await shared.Docker.Client.Containers.StartContainerAsync(outsider.ID, new global::Docker.DotNet.Models.ContainerStartParameters());
            var (code, output) = await ContainerExec.RunAsync(shared.Docker.Client, outsider.ID, ["sh", "-c", HttpGetDb]);
            Assert.True(code != 0, $"the environment's network resolved db: {output}");
            Assert.Contains("bad address", output, StringComparison.Ordinal);
        }
        finally
        {
            await shared.Docker.Client.Containers.RemoveContainerAsync(outsider.ID, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        }

        // Deleting an application takes its own network with it.
        var first = apps[0].App.Id;
        Assert.NotEmpty(await shared.Docker.Client.Networks.ListNetworksAsync(new global::Docker.DotNet.Models.NetworksListParameters()) is var all
            ? all.Where(n => n.Name == EngineNames.ComposeNetwork(first)) : []);
        Assert.True((await _panel.Host.Get<ApplicationService>().DeleteAsync(_panel.Owner, first)).IsSuccess);
        Assert.DoesNotContain((await shared.Docker.Client.Networks.ListNetworksAsync(new global::Docker.DotNet.Models.NetworksListParameters())).Select(n => n.Name), n => n == EngineNames.ComposeNetwork(first));
    }

    [Fact]
    public async Task A_same_named_volume_that_is_not_the_applications_is_refused_and_never_mounted()
    {
        var app = await ComposeAppAsync("foreign", "foreign.compose-deploy.test");
        var name = EngineNames.ComposeVolume(app.App.Id, "shared");
        await shared.Docker.Client.Volumes.CreateAsync(new global::Docker.DotNet.Models.VolumesCreateParameters { Name = name });
        try
        {
            var failed = await _panel.DeployAsync(app, expectRunning: false);

            Assert.Equal(DeploymentState.Failed, failed.State);
            Assert.Contains($"Docker volume {name} exists but is not owned by this application", failed.Reason, StringComparison.Ordinal);
            Assert.Empty(await _panel.ContainersAsync(app.App.Id));
        }
        finally
        {
            await shared.Docker.Client.Volumes.RemoveAsync(name, force: true);
        }
    }
}
