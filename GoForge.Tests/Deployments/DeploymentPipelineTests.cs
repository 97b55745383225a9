using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Deployments;

/// <summary>The whole pipeline on the real engine: a bare Git repository made here, cloned, built FROM scratch, run, replaced.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeploymentPipelineTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const string Secret = "pipeline-secret-4f9a";
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-pipeline-").FullName;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Guid _appId;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "pipeline", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(_root, "work"),
            // Healthy apps answer within a second or two; the unhealthy case waits this long.
            ["GoForge:Deployments:DeployTimeout"] = "00:00:15",
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput("Pipeline", null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
        var app = await _host.Get<ApplicationService>().CreateAsync(_owner, environment.Id, new ApplicationInput
        {
            Name = $"web {Guid.NewGuid():N}"[..12],
            GitUrl = Path.Combine(_root, "app.git"),
            Branch = "main",
            ContainerPort = 8080,
            HealthCheckPath = "/",
        });
        _appId = app.Value!.Id;
        await _host.Get<VariableService>().SetManyAsync(_owner, _appId,
            [new VariableInput("TOKEN", Secret, IsSecret: true, IsBuildTime: true), new VariableInput("GREETING", "hello")]);
    }

    public async Task DisposeAsync()
    {
        var runtime = _host.Get<IContainerRuntime>();
        foreach (var id in await runtime.ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = _appId.ToString() }))
        {
            await runtime.StopAndRemoveAsync(id);
        }

        foreach (var deployment in await _host.Get<IDeploymentRepository>().ListByApplicationAsync(_appId, 50))
        {
            if (deployment.ImageTag is { } tag)
            {
                await runtime.RemoveImageAsync(tag);
            }
        }

        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private void CreateRepository(string dockerfile) => new SampleRepository(_root).Commit("First version", dockerfile);

    // The nonce keeps the echo step's cache key unique: other runs on a shared engine build the same Dockerfile, and a
    // cached step prints nothing.
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..12];

    private string WorkingDockerfile => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        RUN --mount=type=secret,id=TOKEN ["/bin/sh", "-c", "echo build {{_nonce}} sees token=$(cat /run/secrets/TOKEN 2>/dev/null)"]
        CMD ["/bin/sh", "-c", "mkdir -p /www && echo $GREETING > /www/index.html; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
        """;

    private async Task<Deployment> DeployAsync()
    {
        return await _host.DeployNowAsync(_owner, _appId);
    }

    private Task<string> LogAsync(Guid id) =>
        _host.DeploymentLogAsync(id);

    [Fact]
    public async Task A_repository_deploys_to_running_with_its_commit_recorded_and_secrets_masked_in_the_log()
    {
        CreateRepository(WorkingDockerfile);

        var deployment = await DeployAsync();

        var log = await LogAsync(deployment.Id);
        Assert.True(deployment.State == DeploymentState.Running, $"ended {deployment.State}: {deployment.Reason}\n{log}");
        Assert.Equal("First version", deployment.CommitMessage);
        Assert.Matches("^[0-9a-f]{40}$", deployment.CommitSha);
        Assert.Contains($"build {_nonce} sees token=****", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
        var containers = await _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.deployment"] = deployment.Id.ToString() });
        Assert.Single(containers);
        Assert.False(Directory.Exists(Path.Combine(_root, "work", deployment.Id.ToString("N"))), "the work folder is removed");
    }

    [Fact]
    public async Task A_second_deployment_replaces_the_first_only_once_healthy()
    {
        CreateRepository(WorkingDockerfile);
        var first = await DeployAsync();

        var second = await DeployAsync();

        Assert.Equal(DeploymentState.Running, second.State);
        var firstNow = (await _host.Get<IDeploymentRepository>().GetAsync(first.Id))!;
        Assert.Equal(DeploymentState.Superseded, firstNow.State);
        var runtime = _host.Get<IContainerRuntime>();
        Assert.Empty(await runtime.ListContainersAsync(new Dictionary<string, string> { ["goforge.deployment"] = first.Id.ToString() }));
        Assert.Single(await runtime.ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = _appId.ToString() }));
    }

    [Fact]
    public async Task A_broken_dockerfile_ends_failed_with_the_build_error_in_the_log()
    {
        CreateRepository("""
            FROM scratch
            COPY does-not-exist /x
            """);

        var deployment = await DeployAsync();

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("does-not-exist", await LogAsync(deployment.Id), StringComparison.Ordinal);
        Assert.Empty(await _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = _appId.ToString() }));
    }

    [Fact]
    public async Task An_app_that_never_gets_healthy_fails_and_the_previous_container_keeps_running()
    {
        CreateRepository(WorkingDockerfile);
        var good = await DeployAsync();
        Assert.Equal(DeploymentState.Running, good.State);
        await _host.Get<ApplicationService>().UpdateAsync(_owner, _appId, ApplicationInput.From((await _host.Get<ApplicationService>().GetAsync(_owner, _appId)).Value!) with
        {
            HealthCheckPath = "/no-such-page",
        });

        var bad = await DeployAsync();

        Assert.Equal(DeploymentState.Failed, bad.State);
        Assert.StartsWith("not healthy", bad.Reason, StringComparison.Ordinal);
        Assert.Equal(DeploymentState.Running, (await _host.Get<IDeploymentRepository>().GetAsync(good.Id))!.State);
        Assert.Single(await _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.deployment"] = good.Id.ToString() }));
        Assert.Empty(await _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.deployment"] = bad.Id.ToString() }));
    }
}
