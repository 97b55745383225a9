using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Registry;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Registry;

/// <summary>
/// Image applications against a real registry v2 (<see cref="RegistryServer"/>): one open, one behind htpasswd, both
/// on loopback, on the shared engine. Each test has its own application and repository name.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RegistryImageAppTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const string User = "deployer";
    private const string Password = "registry-pass-7d2c91";
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..10];
    private readonly List<Guid> _apps = [];
    private readonly List<string> _localImages = [];
    private RegistryServer _open = null!;
    private RegistryServer _locked = null!;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Guid _environmentId;

    public async Task InitializeAsync()
    {
        _open = await RegistryServer.StartAsync();
        _locked = await RegistryServer.StartAsync((User, Password));
        _host = await TestHost.StartAsync(postgres, "registry", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Deployments:DeployTimeout"] = "00:00:20",
            ["GoForge:Deployments:DrainDelay"] = "00:00:00",
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput($"Registry {_nonce}", null))).Value!;
        _environmentId = (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0].Id;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await DeployedApps.RemoveAsync(_host.Services, _apps);
            await _host.DisposeAsync();
        }

        // The environment's network too: a shared engine has a limited pool of address ranges.
        var networks = await docker.Client.Networks.ListNetworksAsync(new global::Docker.DotNet.Models.NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"goforge.environment={_environmentId}"] = true } },
        });
        foreach (var network in networks)
        {
            await docker.Client.Networks.DeleteNetworkAsync(network.ID);
        }

        foreach (var image in _localImages)
        {
            try
            {
                await docker.Client.Images.DeleteImageAsync(image, new global::Docker.DotNet.Models.ImageDeleteParameters { Force = true });
            }
            catch (global::Docker.DotNet.DockerApiException)
            {
                // Gone already, or never made.
            }
        }

        if (_open is not null)
        {
            await _open.DisposeAsync();
        }

        if (_locked is not null)
        {
            await _locked.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_image_app_deploys_from_an_open_registry_with_its_digest_recorded_and_the_pull_in_the_log()
    {
        var (reference, digest) = await PushAsync(_open, "web", "v1", "first");
        var app = await CreateAppAsync(reference);

        var deployment = await _host.DeployNowAsync(_owner, app.Id);

        var log = await _host.DeploymentLogAsync(deployment.Id);
        Assert.True(deployment.State == DeploymentState.Running, $"ended {deployment.State}: {deployment.Reason}\n{log}");
        Assert.Equal(digest, deployment.ImageDigest);
        Assert.Equal($"goforge/{app.Slug}:{deployment.Id:N}", deployment.ImageTag);
        Assert.Contains($"Pulling {reference}", log, StringComparison.Ordinal);
        Assert.Contains($"digest {digest}", log, StringComparison.Ordinal);
        var transitions = await _host.Get<IDeploymentRepository>().ListTransitionsAsync(deployment.Id);
        Assert.Equal([DeploymentState.Pending, DeploymentState.Pulling, DeploymentState.Deploying, DeploymentState.Running], transitions.Select(t => t.To));
        Assert.Equal("first", await ServedAsync(deployment));
    }

    [Fact]
    public async Task An_image_app_deploys_from_a_registry_with_htpasswd_when_its_credentials_are_right_and_the_password_is_never_logged()
    {
        var (reference, digest) = await PushAsync(_locked, "private", "v1", "private");
        var app = await CreateAppAsync(reference);
        var set = await _host.Get<RegistryCredentialService>().SetAsync(_owner, app.Id, new RegistryCredentialInput { Username = User, Password = Password });
        Assert.True(set.IsSuccess, set.Error?.Message);
        Assert.Equal(_locked.Host, set.Value.Registry);

        var deployment = await _host.DeployNowAsync(_owner, app.Id);

        var log = await _host.DeploymentLogAsync(deployment.Id);
        Assert.True(deployment.State == DeploymentState.Running, $"ended {deployment.State}: {deployment.Reason}\n{log}");
        Assert.Equal(digest, deployment.ImageDigest);
        Assert.Contains($"as {User}", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, log, StringComparison.Ordinal);
        var shown = (await _host.Get<RegistryCredentialService>().GetAsync(_owner, app.Id)).Value;
        Assert.Equal(new RegistryCredentialSummary(_locked.Host, User), shown);
    }

    [Fact]
    public async Task Wrong_registry_credentials_fail_the_deployment_saying_the_registry_refused_them()
    {
        var (reference, _) = await PushAsync(_locked, "refused", "v1", "refused");
        var app = await CreateAppAsync(reference);
        await _host.Get<RegistryCredentialService>().SetAsync(_owner, app.Id, new RegistryCredentialInput { Username = User, Password = "not-the-password-1" });

        var deployment = await _host.DeployNowAsync(_owner, app.Id);

        var log = await _host.DeploymentLogAsync(deployment.Id);
        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.StartsWith($"the registry refused the credentials for {_locked.Host}", deployment.Reason, StringComparison.Ordinal);
        Assert.Contains("the registry refused the credentials for", log, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-1", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redeploy_of_an_unchanged_digest_ends_unchanged_and_keeps_the_running_container_and_the_digest_check_queues_nothing()
    {
        var (reference, _) = await PushAsync(_open, "same", "v1", "same");
        var app = await CreateAppAsync(reference, digestCheckMinutes: 5);
        var first = await _host.DeployNowAsync(_owner, app.Id);
        Assert.Equal(DeploymentState.Running, first.State);

        var second = await _host.DeployNowAsync(_owner, app.Id);

        Assert.Equal(DeploymentState.Unchanged, second.State);
        Assert.Equal(ImagePullStep.UnchangedReason, second.Reason);
        Assert.Contains("digest unchanged: nothing to deploy", await _host.DeploymentLogAsync(second.Id), StringComparison.Ordinal);
        var running = (await _host.Get<IDeploymentRepository>().GetAsync(first.Id))!;
        Assert.Equal(DeploymentState.Running, running.State);
        Assert.Equal([first.ContainerId!], await AppContainersAsync(app));
        Assert.Empty(await _host.Get<DigestCheck>().RunDueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_forced_redeploy_of_an_unchanged_digest_replaces_the_container()
    {
        var (reference, _) = await PushAsync(_open, "forced", "v1", "forced");
        var app = await CreateAppAsync(reference);
        var first = await _host.DeployNowAsync(_owner, app.Id);

        var queued = await _host.Get<DeploymentService>().EnqueueForcedAsync(_owner, app.Id);
        var second = await _host.RunNowAsync(queued.Value!);

        Assert.Equal(DeploymentState.Running, second.State);
        Assert.Equal(first.ImageDigest, second.ImageDigest);
        Assert.Equal(DeploymentState.Superseded, (await _host.Get<IDeploymentRepository>().GetAsync(first.Id))!.State);
        Assert.Equal([second.ContainerId!], await AppContainersAsync(app));
    }

    [Fact]
    public async Task A_new_push_is_deployed_by_a_redeploy_and_a_rollback_returns_to_the_previous_digest()
    {
        var (reference, v1Digest) = await PushAsync(_open, "moving", "latest", "one");
        var app = await CreateAppAsync(reference);
        var first = await _host.DeployNowAsync(_owner, app.Id);
        var (_, v2Digest) = await PushAsync(_open, "moving", "latest", "two");

        var second = await _host.DeployNowAsync(_owner, app.Id);

        Assert.Equal(DeploymentState.Running, second.State);
        Assert.Equal(v2Digest, second.ImageDigest);
        Assert.NotEqual(v1Digest, v2Digest);
        Assert.Equal("two", await ServedAsync(second));
        Assert.Equal([second.ContainerId!], await AppContainersAsync(app));

        var rollback = await _host.Get<DeploymentService>().RollbackAsync(_owner, app.Id);
        Assert.True(rollback.IsSuccess, rollback.Error?.Message);
        var rolledBack = await _host.RunNowAsync(rollback.Value!);

        Assert.Equal(DeploymentState.Running, rolledBack.State);
        Assert.Equal(first.Id, rolledBack.RollbackOf);
        Assert.Equal(v1Digest, rolledBack.ImageDigest);
        Assert.Equal("one", await ServedAsync(rolledBack));
        Assert.Equal(DeploymentState.RolledBack, (await _host.Get<IDeploymentRepository>().GetAsync(second.Id))!.State);
    }

    [Fact]
    public async Task The_digest_check_queues_a_deployment_when_the_registry_digest_changes()
    {
        var (reference, _) = await PushAsync(_locked, "watched", "stable", "old");
        var app = await CreateAppAsync(reference, digestCheckMinutes: 5);
        await _host.Get<RegistryCredentialService>().SetAsync(_owner, app.Id, new RegistryCredentialInput { Username = User, Password = Password });
        var first = await _host.DeployNowAsync(_owner, app.Id);
        Assert.Equal(DeploymentState.Running, first.State);
        var (_, newDigest) = await PushAsync(_locked, "watched", "stable", "new");

        var queued = await _host.Get<DigestCheck>().RunDueAsync(CancellationToken.None);

        var update = Assert.Single(queued, d => d.ApplicationId == app.Id);
        Assert.Equal(DeploymentSource.ImageUpdate, update.Source);
        var deployed = await _host.RunNowAsync(update);
        Assert.Equal(DeploymentState.Running, deployed.State);
        Assert.Equal(newDigest, deployed.ImageDigest);
        Assert.Equal("new", await ServedAsync(deployed));
    }

    [Fact]
    public async Task The_reconciler_restarts_the_kept_image_of_an_image_app_whose_container_was_removed_without_pulling()
    {
        var (reference, digest) = await PushAsync(_open, "recovered", "v1", "recovered");
        var app = await CreateAppAsync(reference);
        var running = await _host.DeployNowAsync(_owner, app.Id);
        await _host.Get<IContainerRuntime>().StopAndRemoveAsync(running.ContainerId!);

        await _host.Get<GoForge.Core.Reconciliation.Reconciler>().RunAsync(CancellationToken.None);

        var queued = (await _host.Get<IDeploymentRepository>().ListByApplicationAsync(app.Id, 10)).Single(d => d.Source == DeploymentSource.Recovery);
        var recovery = await _host.RunNowAsync(queued);
        var log = await _host.DeploymentLogAsync(recovery.Id);
        Assert.True(recovery.State == DeploymentState.Running, $"ended {recovery.State}: {recovery.Reason}\n{log}");
        Assert.Equal((running.ImageTag, digest), (recovery.ImageTag, recovery.ImageDigest));
        Assert.DoesNotContain("Pulling", log, StringComparison.Ordinal);
        Assert.Equal("recovered", await ServedAsync(recovery));
    }

    [Fact]
    public async Task A_pulled_image_with_a_proxy_label_is_refused_before_anything_runs()
    {
        var hostile = await RegistryServer.BuildVariantAsync(docker.Client, "hostile",
            new Dictionary<string, string> { ["traefik.http.routers.steal.rule"] = "Host(`victim.example`)" });
        _localImages.Add(hostile);
        var (reference, _) = await _open.PushAsync(docker.Client, hostile, $"hostile-{_nonce}", "v1");
        _localImages.Add(reference);
        var app = await CreateAppAsync(reference);

        var deployment = await _host.DeployNowAsync(_owner, app.Id);

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.Contains("traefik.http.routers.steal.rule", deployment.Reason, StringComparison.Ordinal);
        Assert.Empty(await AppContainersAsync(app));
    }

    private async Task<(string Reference, string Digest)> PushAsync(RegistryServer registry, string repository, string tag, string body)
    {
        var local = await RegistryServer.BuildVariantAsync(docker.Client, $"{body}");
        _localImages.Add(local);
        var pushed = await registry.PushAsync(docker.Client, local, $"{repository}-{_nonce}", tag);
        _localImages.Add(pushed.Reference);
        return pushed;
    }

    private async Task<Application> CreateAppAsync(string reference, int? digestCheckMinutes = null)
    {
        var created = await _host.Get<ApplicationService>().CreateAsync(_owner, _environmentId, new ApplicationInput
        {
            Name = $"img {Guid.NewGuid():N}"[..12],
            Source = ApplicationSourceKind.Image,
            ImageReference = reference,
            GitUrl = null,
            Branch = null,
            ContainerPort = BusyboxImage.Port,
            HealthCheckPath = "/",
            DigestCheckMinutes = digestCheckMinutes,
        });
        Assert.True(created.IsSuccess, created.Error?.Message);
        _apps.Add(created.Value.Id);
        return created.Value;
    }

    private async Task<IReadOnlyList<string>> AppContainersAsync(Application app) =>
        await _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = app.Id.ToString() });

    /// <summary>What the deployment's container serves, read inside it (busybox wget against its own httpd).</summary>
    private async Task<string> ServedAsync(Deployment deployment) =>
        (await ContainerHttp.GetRootAsync(docker.Client, deployment.ContainerId!, BusyboxImage.Port)).Trim();
}
