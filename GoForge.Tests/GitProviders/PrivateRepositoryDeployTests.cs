using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.Git;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.GitProviders;

/// <summary>
/// Deployments of private repositories with the credentials people set on the panel: a GoForge deploy key over a
/// real sshd, a project's HTTPS token over git's smart HTTP with basic auth. Clone, build and run on the real engine.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PrivateRepositoryDeployTests(PostgresFixture postgres, DockerFixture docker, SshServerFixture sshd, SmartHttpFixture smartHttp)
    : IClassFixture<DockerFixture>, IClassFixture<SshServerFixture>, IClassFixture<SmartHttpFixture>, IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-private-").FullName;
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..12];
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;
    private readonly List<Guid> _apps = [];

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "private", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(_root, "work"),
            ["GoForge:Deployments:DeployTimeout"] = "00:00:20",
            ["GoForge:Git:TrustedCertificatesFile"] = smartHttp.CertificatePath,
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        (_project, _environment) = await _host.Services.CreateProjectAsync(_owner, "Private " + _nonce[..6]);
    }

    public async Task DisposeAsync()
    {
        await DeployedApps.RemoveAsync(_host.Services, _apps);
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Deploy_key_generated_on_the_panel_clones_over_ssh_and_pins_the_servers_host_key()
    {
        var repository = new SampleRepository(Path.Combine(_root, "ssh"));
        repository.Commit("v1", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = "over ssh\n" });
        var app = await CreateAppAsync(sshd.SshUrl(repository.GitUrl));
        var key = (await _host.Get<GitCredentialService>().GenerateDeployKeyAsync(_owner, GitCredentialScope.Application(app.Id))).Value!;
        sshd.Authorize(key.PublicKey!);

        var deployment = await DeployAsync(app);

        var log = await LogAsync(deployment);
        Assert.True(deployment.State == DeploymentState.Running, $"ended {deployment.State}: {deployment.Reason}\n{log}");
        Assert.Contains($"Using the application's deploy key {key.Fingerprint}", log, StringComparison.Ordinal);
        var pinned = (await _host.Get<GitCredentialService>().GetAsync(_owner, GitCredentialScope.Application(app.Id))).Value!.KnownHostKey;
        Assert.StartsWith("SHA256:", pinned, StringComparison.Ordinal);
        Assert.Contains($"Pinned the SSH server's host key {pinned}", log, StringComparison.Ordinal);
        var privateKey = (await _host.Get<IGitCredentialRepository>().GetAsync(_project.Id, app.Id))!.Secret;
        Assert.All(privateKey.Split('\n').Where(l => l.Length > 20 && !l.StartsWith("-----", StringComparison.Ordinal)),
            line => Assert.DoesNotContain(line, log, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pinned_host_key_that_the_server_no_longer_shows_fails_the_deployment_before_the_key_is_offered()
    {
        var repository = new SampleRepository(Path.Combine(_root, "pinned"));
        repository.Commit("v1", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = "x\n" });
        var app = await CreateAppAsync(sshd.SshUrl(repository.GitUrl));
        var key = (await _host.Get<GitCredentialService>().GenerateDeployKeyAsync(_owner, GitCredentialScope.Application(app.Id))).Value!;
        sshd.Authorize(key.PublicKey!);
        var credential = (await _host.Get<IGitCredentialRepository>().GetAsync(_project.Id, app.Id))!;
        await _host.Get<IGitCredentialRepository>().PinHostKeyAsync(credential.Id, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        var deployment = await DeployAsync(app);

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", deployment.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Project_token_clones_over_smart_http_and_never_reaches_the_log()
    {
        var repository = new SampleRepository(smartHttp.Repositories.Root, "private-app.git");
        repository.Commit("v1", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = "over https\n" });
        var app = await CreateAppAsync(smartHttp.UrlOf(repository.GitUrl));
        await _host.Get<GitCredentialService>().SetTokenAsync(_owner, GitCredentialScope.Project(_project.Id), new GitTokenInput(smartHttp.User, smartHttp.Token));

        var deployment = await DeployAsync(app);

        var log = await LogAsync(deployment);
        Assert.True(deployment.State == DeploymentState.Running, $"ended {deployment.State}: {deployment.Reason}\n{log}");
        Assert.Contains("Using the project's HTTPS token", log, StringComparison.Ordinal);
        Assert.DoesNotContain(smartHttp.Token, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_token_fails_the_clone_with_a_reason_and_without_the_token()
    {
        var repository = new SampleRepository(smartHttp.Repositories.Root, "private-wrong.git");
        repository.Commit("v1", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = "x\n" });
        var app = await CreateAppAsync(smartHttp.UrlOf(repository.GitUrl));
        const string wrong = "tok-not-the-right-one-5d1c";
        await _host.Get<GitCredentialService>().SetTokenAsync(_owner, GitCredentialScope.Application(app.Id), new GitTokenInput(smartHttp.User, wrong));

        var deployment = await DeployAsync(app);

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.DoesNotContain(wrong, deployment.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, await LogAsync(deployment), StringComparison.Ordinal);
    }

    private async Task<Application> CreateAppAsync(string gitUrl)
    {
        var app = await _host.Get<ApplicationService>().CreateAsync(_owner, _environment.Id, new ApplicationInput
        {
            Name = "p" + Guid.NewGuid().ToString("N")[..10],
            GitUrl = gitUrl,
            Branch = "main",
            ContainerPort = 8080,
            HealthCheckPath = "/",
        });
        Assert.True(app.IsSuccess, app.Error?.Message);
        _apps.Add(app.Value!.Id);
        return app.Value!;
    }

    private async Task<Deployment> DeployAsync(Application app)
    {
        return await _host.DeployNowAsync(_owner, app.Id);
    }

    private Task<string> LogAsync(Deployment deployment) =>
        _host.DeploymentLogAsync(deployment.Id);
}
