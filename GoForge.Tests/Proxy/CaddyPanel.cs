using GoForge.Core.Compose;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Proxy;

/// <summary>
/// A panel on its own database with the real deployment worker and the Caddy adapter pointed at a
/// <see cref="CaddyFixture"/>: applications deploy through the whole pipeline and are reached by host name through Caddy.
/// Or, from <see cref="StartTraefikAsync"/>, the Traefik adapter writing its route files into a folder of the panel's
/// (<see cref="TraefikFolder"/>). Removes every container and image of its applications on dispose.
/// </summary>
internal sealed class CaddyPanel : IAsyncDisposable
{
    public static readonly TimeSpan BuildWait = TimeSpan.FromSeconds(90);
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-caddy-panel-").FullName;
    private readonly List<Guid> _apps = [];

    private CaddyPanel()
    {
    }

    public TestHost Host { get; private set; } = null!;

    public Actor Owner { get; private set; } = null!;

    /// <summary>The project every application of the panel is created in.</summary>
    public Guid ProjectId { get; private set; }

    /// <summary>The environment every application of the panel is created in.</summary>
    public Guid EnvironmentId { get; private set; }

    /// <summary>Makes a step's build cache key unique to this panel, so builds really run.</summary>
    public string Nonce { get; } = Guid.NewGuid().ToString("N")[..12];

    private string WorkDirectory => Path.Combine(_root, "work");

    /// <summary>Where the Traefik adapter of a panel from <see cref="StartTraefikAsync"/> writes its route files.</summary>
    public string TraefikFolder => Path.Combine(_root, "traefik");

    private string _connectionString = null!;
    private Dictionary<string, string?> _configuration = null!;

    /// <summary>Starts the panel; <paramref name="settings"/> are added to (or override) its configuration, e.g. a catalog folder.</summary>
    public static Task<CaddyPanel> StartAsync(PostgresFixture postgres, DockerFixture docker, CaddyFixture caddy, string database,
        IReadOnlyDictionary<string, string?>? settings = null) =>
        StartWithAsync(postgres, docker, database, _ => new Dictionary<string, string?>
        {
            ["GoForge:Proxy:Kind"] = "Caddy",
            [$"{CaddyOptions.SectionName}:AdminUrl"] = caddy.AdminUrl.ToString(),
            [$"{CaddyOptions.SectionName}:ServerName"] = CaddyFixture.ServerName,
            [$"{CaddyOptions.SectionName}:UseAddress"] = "true",
            [$"{CaddyOptions.SectionName}:AutomaticHttps"] = "false",
        }, settings);

    /// <summary>Starts a panel whose proxy is Traefik's file provider: route files go to <see cref="TraefikFolder"/>.</summary>
    public static Task<CaddyPanel> StartTraefikAsync(PostgresFixture postgres, DockerFixture docker, string database,
        IReadOnlyDictionary<string, string?>? settings = null) =>
        StartWithAsync(postgres, docker, database, panel => new Dictionary<string, string?>
        {
            ["GoForge:Proxy:Kind"] = "Traefik",
            ["GoForge:Proxy:Traefik:DynamicDirectory"] = panel.TraefikFolder,
        }, settings);

    private static async Task<CaddyPanel> StartWithAsync(PostgresFixture postgres, DockerFixture docker, string database,
        Func<CaddyPanel, Dictionary<string, string?>> proxy, IReadOnlyDictionary<string, string?>? settings)
    {
        var panel = new CaddyPanel();
        panel._connectionString = await postgres.CreateDatabaseAsync(database);
        panel._configuration = new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:DataPath"] = Path.Combine(panel._root, "data"),
            ["GoForge:Deployments:WorkDirectory"] = panel.WorkDirectory,
            ["GoForge:Deployments:DeployTimeout"] = "00:00:20",
        };
        foreach (var (key, value) in proxy(panel).Concat(settings ?? new Dictionary<string, string?>()))
        {
            panel._configuration[key] = value;
        }

        await panel.StartHostAsync();
        panel.Owner = Actor.From(await TestUsers.CreateAsync(panel.Host));
        var project = (await panel.Host.Get<ProjectService>().CreateAsync(panel.Owner, new ProjectInput("Proxied", null))).Value!;
        panel.ProjectId = project.Id;
        panel.EnvironmentId = (await panel.Host.Get<EnvironmentService>().ListAsync(panel.Owner, project.Id)).Value![0].Id;
        return panel;
    }

    /// <summary>Stops the panel, runs <paramref name="whileDown"/>, and starts it again on the same database and files, as a restarted panel.</summary>
    public async Task RestartAsync(Func<Task> whileDown)
    {
        ArgumentNullException.ThrowIfNull(whileDown);
        await Host.DisposeAsync();
        await whileDown();
        await StartHostAsync();
    }

    private async Task StartHostAsync() =>
        Host = await TestHost.StartOnAsync(_connectionString, _configuration, services => services.AddHostedService<DeploymentWorker>());

    /// <summary>An application serving <c>index.html</c> of its own repository on 8080, reached at <paramref name="domains"/>.</summary>
    public Task<ProxiedApp> CreateAppAsync(string name, string domains) => CreateAsync(name, domains, ApplicationSourceKind.Git);

    /// <summary>
    /// A compose application deploying its own repository's <c>compose.yaml</c>; <paramref name="domains"/> name their
    /// service (<c>web: host</c>).
    /// </summary>
    public Task<ProxiedApp> CreateComposeAppAsync(string name, string domains) => CreateAsync(name, domains, ApplicationSourceKind.Compose);

    private async Task<ProxiedApp> CreateAsync(string name, string domains, ApplicationSourceKind source)
    {
        var repository = new SampleRepository(Path.Combine(_root, name));
        var created = await Host.Get<ApplicationService>().CreateAsync(Owner, EnvironmentId, new ApplicationInput
        {
            Name = name,
            Source = source,
            GitUrl = repository.GitUrl,
            Branch = "main",
            ContainerPort = 8080,
            HealthCheckPath = "/",
            Domains = domains,
        });
        Assert.True(created.IsSuccess, created.Error?.Message);
        _apps.Add(created.Value!.Id);
        return new ProxiedApp(created.Value!, repository, Nonce);
    }

    /// <summary>Queues a deployment of the branch's head and waits until the worker is done with it.</summary>
    public async Task<Deployment> DeployAsync(ProxiedApp app, bool expectRunning = true)
    {
        var queued = await Host.Get<DeploymentService>().EnqueueAsync(Owner, app.App.Id);
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        return await UntilEndedAsync(queued.Value!.Id, expectRunning);
    }

    /// <summary>Waits until the worker is done with deployment <paramref name="id"/> (its work folder gone too).</summary>
    public async Task<Deployment> UntilEndedAsync(Guid id, bool expectRunning = true)
    {
        await Wait.UntilAsync(async () =>
        {
            var state = (await GetAsync(id)).State;
            return state is not (DeploymentState.Pending or DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Pulling or DeploymentState.Deploying)
                && !Directory.Exists(Path.Combine(WorkDirectory, id.ToString("N")));
        }, $"deployment {id} to end", BuildWait);
        var deployment = await GetAsync(id);
        if (expectRunning)
        {
            Assert.True(deployment.State == DeploymentState.Running, $"ended {deployment.State}: {deployment.Reason}\n{await LogAsync(id)}");
        }

        return deployment;
    }

    public Task<IReadOnlyList<string>> ContainersAsync(Guid applicationId) =>
        Host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = applicationId.ToString() });

    public async Task<string> LogAsync(Guid deploymentId) =>
        string.Join("\n", (await Host.Get<IDeploymentRepository>().ListLogAsync(deploymentId, 0, 10000)).Select(l => l.Text));

    public async ValueTask DisposeAsync()
    {
        var runtime = Host.Get<IContainerRuntime>();
        foreach (var app in _apps)
        {
            foreach (var id in await ContainersAsync(app))
            {
                await runtime.StopAndRemoveAsync(id);
            }

            foreach (var deployment in await Host.Get<IDeploymentRepository>().ListByApplicationAsync(app, 50))
            {
                if (deployment.ImageTag is { } tag)
                {
                    await runtime.RemoveImageAsync(tag);
                }

                // A compose deployment's images are its services'.
                foreach (var serviceTag in (await Host.Get<IComposeDeployments>().ListServicesAsync(deployment.Id)).Select(r => r.ImageTag).OfType<string>())
                {
                    await runtime.RemoveImageAsync(serviceTag);
                }
            }

            // A pull request preview's images are its deployments' (the application's listing leaves them out).
            foreach (var preview in await Host.Get<GoForge.Core.Previews.IPreviewRepository>().ListAsync(app))
            {
                foreach (var tag in (await Host.Get<IDeploymentRepository>().ListByPreviewAsync(preview.Id, 50)).Select(d => d.ImageTag).OfType<string>())
                {
                    await runtime.RemoveImageAsync(tag);
                }
            }

            var volumes = Host.Get<IVolumeStore>();
            foreach (var volume in await volumes.ListVolumesAsync(new Dictionary<string, string> { [GoForgeLabels.App] = app.ToString() }))
            {
                await volumes.RemoveVolumeAsync(volume);
            }
        }

        await Host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private async Task<Deployment> GetAsync(Guid id) => (await Host.Get<IDeploymentRepository>().GetAsync(id))!;
}

/// <summary>An application of a <see cref="CaddyPanel"/> and the repository it deploys from.</summary>
internal sealed record ProxiedApp(Application App, SampleRepository Repository, string Nonce)
{
    /// <summary>Pushes a version whose <c>/index.html</c> says <paramref name="body"/>.</summary>
    public void Serve(string body) =>
        Repository.Commit(body, SampleDockerfiles.ServesIndex(Nonce), new Dictionary<string, string> { ["index.html"] = body + "\n" });
}
