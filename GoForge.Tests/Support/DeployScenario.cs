using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Support;

/// <summary>
/// The setup of a test that deploys for real: a temp root with a <see cref="SampleRepository"/>, the panel on the
/// shared engine with its work directory under the root, an owner, and the applications made through
/// <see cref="CreateApplicationAsync"/>. Disposing removes those applications' containers and images, stops the panel
/// and deletes the root.
/// </summary>
internal sealed class DeployScenario : IAsyncDisposable
{
    private readonly List<Guid> _applications = [];
    private readonly HashSet<Guid> _environments = [];
    private bool _engineIsThrowaway;

    private DeployScenario(string root) => Root = root;

    public string Root { get; }

    /// <summary>Unique to the scenario: goes into names, and into the content a test's image serves.</summary>
    public string Nonce { get; } = Guid.NewGuid().ToString("N")[..12];

    public SampleRepository Repository { get; private set; } = null!;

    public GoForgeApp App { get; private set; } = null!;

    public User Owner { get; private set; } = null!;

    public Actor Actor => Actor.From(Owner);

    /// <param name="prefix">Names the database and the temp root.</param>
    /// <param name="settings">Added to the defaults (the engine's endpoint, the work directory, a 30 s deploy time-out), replacing them key by key.</param>
    /// <param name="services">Passed on to <see cref="GoForgeApp.StartAsync"/>.</param>
    public static Task<DeployScenario> StartAsync(
        PostgresFixture postgres, DockerFixture docker, string prefix, bool kestrel = false,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        StartWithAsync(docker.Endpoint, prefix, settings, all => GoForgeApp.StartAsync(postgres, prefix, kestrel, all, services));

    /// <summary>
    /// The same on parts a fault test owns: an engine (a <see cref="PrivateDockerDaemon"/>'s endpoint) and a panel
    /// started by <paramref name="startApp"/> with the scenario's settings (e.g. on a private PostgreSQL cluster).
    /// </summary>
    /// <param name="engineIsThrowaway">The engine goes with everything it ran when the test ends (a private daemon): the applications' containers are not removed one by one, which could not work while a test has it down.</param>
    public static async Task<DeployScenario> StartWithAsync(
        Uri dockerEndpoint, string prefix, IReadOnlyDictionary<string, string?>? settings, Func<IReadOnlyDictionary<string, string?>, Task<GoForgeApp>> startApp,
        bool engineIsThrowaway = false)
    {
        var scenario = new DeployScenario(Directory.CreateTempSubdirectory($"goforge-{prefix}-").FullName) { _engineIsThrowaway = engineIsThrowaway };
        var all = new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = dockerEndpoint.ToString(),
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(scenario.Root, "work"),
            ["GoForge:Deployments:DeployTimeout"] = "00:00:30",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        try
        {
            scenario.Repository = new SampleRepository(scenario.Root);
            scenario.App = await startApp(all);
            scenario.Owner = await scenario.App.CreateUserAsync();
            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    /// <summary>A project and in it an application deploying <see cref="Repository"/>'s <c>main</c> (port 8080, health check <c>/</c>), both named after <paramref name="name"/>.</summary>
    /// <param name="configure">Changes the input before it is saved (a build context, a Dockerfile path).</param>
    public async Task<Application> CreateApplicationAsync(Actor owner, string name, Action<ApplicationInput>? configure = null)
    {
        var (_, production) = await App.Services.CreateProjectAsync(owner, $"{name} {Nonce[..6]}");
        var input = new ApplicationInput
        {
            Name = $"{name} {Nonce[..6]}",
            GitUrl = Repository.GitUrl,
            Branch = "main",
            ContainerPort = 8080,
            HealthCheckPath = "/",
        };
        configure?.Invoke(input);
        var created = await App.Get<ApplicationService>().CreateAsync(owner, production.Id, input);
        Assert.True(created.IsSuccess, created.Error?.Message);
        _applications.Add(created.Value.Id);
        _environments.Add(created.Value.EnvironmentId);
        return created.Value;
    }

    /// <summary>Waits until the deployment is no longer pending or in progress; the deployment as it ended.</summary>
    public async Task<Deployment> UntilSettledAsync(Guid deploymentId, TimeSpan timeout)
    {
        var repository = App.Get<IDeploymentRepository>();
        Deployment? deployment = null;
        await Wait.UntilAsync(async () => (deployment = await repository.GetAsync(deploymentId))!.State is not
            (DeploymentState.Pending or DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Pulling or DeploymentState.Deploying),
            $"deployment {deploymentId} to end", timeout);
        return deployment!;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            if (!_engineIsThrowaway)
            {
                await DeployedApps.RemoveAsync(App.Services, _applications);
                // Each environment's network, once its containers are gone: left behind they exhaust the engine's address pools.
                await DeployedApps.RemoveNetworksAsync(App.Services, _environments);
            }
            await App.DisposeAsync();
        }

        Directory.Delete(Root, recursive: true);
    }
}

