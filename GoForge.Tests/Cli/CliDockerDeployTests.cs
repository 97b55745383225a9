using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Cli;

/// <summary>
/// <c>deploy --wait</c> end to end: the CLI queues into the database, a separate "panel" (a host with the real
/// <see cref="DeploymentWorker"/>) takes it from the queue, builds and runs it on the real engine, and the CLI's exit
/// code follows what the panel recorded.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CliDockerDeployTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-cli-deploy-").FullName;
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..12];
    private SampleRepository _repository = null!;
    private TestHost _panel = null!;
    private Application _app = null!;
    private Dictionary<string, string?> _settings = null!;

    public async Task InitializeAsync()
    {
        _repository = new SampleRepository(_root);
        _settings = new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:DataPath"] = Path.Combine(_root, "data"),
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(_root, "work"),
            ["GoForge:Deployments:DeployTimeout"] = "00:00:30",
            // The CLI's wake-up cannot reach another process: the panel finds the deployment on its next look.
            ["GoForge:Deployments:IdlePollInterval"] = "00:00:00.200",
        };
        _panel = await TestHost.StartOnAsync(await postgres.CreateDatabaseAsync("cli_docker"), _settings, services => services.AddHostedService<DeploymentWorker>());
        var (_, production) = await _panel.Services.CreateProjectAsync(Actor.Operator, "Cli Deploy");
        _app = (await _panel.Get<ApplicationService>().CreateAsync(Actor.Operator, production.Id, new ApplicationInput
        {
            Name = $"app {_nonce}"[..12],
            GitUrl = _repository.GitUrl,
            Branch = "main",
            ContainerPort = 8080,
            HealthCheckPath = "/",
        })).Value!;
    }

    public async Task DisposeAsync()
    {
        await DeployedApps.RemoveAsync(_panel.Services, _app.Id);
        await _panel.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Deploy_wait_ends_ok_once_the_panel_has_built_and_started_the_application()
    {
        _repository.Commit("Serve", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = "hello from the cli\n" });

        var run = await Cli().RunAsync("deploy", _app.Id.ToString(), "--wait", "--timeout", "3m");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var deployment = Assert.Single(await _panel.Get<IDeploymentRepository>().ListByApplicationAsync(_app.Id, 10));
        Assert.Equal(DeploymentState.Running, deployment.State);
        Assert.Contains("building", run.Out, StringComparison.Ordinal);
        Assert.Single(await _panel.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = _app.Id.ToString() }));
    }

    [Fact]
    public async Task Deploy_wait_ends_failed_with_the_panels_reason_when_the_build_fails()
    {
        _repository.Commit("Broken", "FROM scratch\nRUN [\"/bin/does-not-exist\"]\n");

        var run = await Cli().RunAsync("deploy", _app.Id.ToString(), "--wait", "--timeout", "3m");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        var deployment = Assert.Single(await _panel.Get<IDeploymentRepository>().ListByApplicationAsync(_app.Id, 10));
        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains(deployment.Reason!, run.Error, StringComparison.Ordinal);
    }

    private CliRunner Cli() => new(_panel.ConnectionString, Path.Combine(_root, "data"), _settings);
}
