using System.Diagnostics;
using System.Globalization;
using System.Net;
using Docker.DotNet;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Previews;
using GoForge.Core.Projects;
using GoForge.Tests.Deployments;
using GoForge.Tests.Harness;
using GoForge.Tests.Proxy;
using GoForge.Tests.Support;
using Xunit.Abstractions;
using static GoForge.Tests.Previews.PullRequestDeliveries;

namespace GoForge.Tests.Previews;

/// <summary>
/// Pull request previews end to end (docs/decisions/previews.md): signed GitHub pull request deliveries through the
/// real receiver, the real deployment worker, engine, git and Caddy. A same-repository pull request's preview answers
/// on its own host beside the application; closing it removes its container, image and route; a fork's waits for an
/// approval, is built from the fork, and sees only the variables marked for previews.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PreviewDeployTests(PostgresFixture postgres, SharedCaddyPanel shared, ITestOutputHelper output) : IClassFixture<SharedCaddyPanel>, IAsyncLifetime
{
    /// <summary>The head branch the GitHub payload names (<c>head.ref</c>).</summary>
    private const string HeadBranch = "changes";

    /// <summary>The head branch each provider's payload fixture names (GitHub <c>head.ref</c>, GitLab <c>source_branch</c>, Gitea <c>head.ref</c>).</summary>
    private static string HeadBranchOf(WebhookProvider provider) => provider switch
    {
        WebhookProvider.GitHub => HeadBranch,
        WebhookProvider.GitLab => "ms-viewport",
        _ => "contact-page",
    };

    private CaddyFixture Caddy => shared.Caddy;
    private CaddyPanel _panel = null!;

    public async Task InitializeAsync() => _panel = await shared.GetAsync(postgres, "previewdeploy");

    public Task DisposeAsync() => Task.CompletedTask;

    private WebhookReceiver Receiver => _panel.Host.Get<WebhookReceiver>();

    private IDeploymentRepository Deployments => _panel.Host.Get<IDeploymentRepository>();

    /// <summary>The application's own host: outside its previews' zone (a zone holds no other route).</summary>
    private static string AppHost(string zone) => "app-" + zone.Replace(".previews.test", ".apps.test", StringComparison.Ordinal);

    private static Dictionary<string, string> Index(string body) => new Dictionary<string, string> { ["index.html"] = body + "\n" };

    /// <summary>A running application on <c>app-&lt;name&gt;.apps.test</c> with previews on <c>pr-{number}.&lt;name&gt;.previews.test</c>, a
    /// build-time secret and a runtime secret not marked for previews, and one variable that is.</summary>
    private async Task<(ProxiedApp App, string Secret, string Zone)> RunningAppAsync(string name)
    {
        var zone = $"{name}.previews.test";
        var app = await _panel.CreateAppAsync(name, AppHost(zone));
        var variables = _panel.Host.Get<VariableService>();
        Assert.True((await variables.SetAsync(_panel.Owner, app.App.Id, new VariableInput("TOKEN", "build-secret-" + name, IsSecret: true, IsBuildTime: true))).IsSuccess);
        Assert.True((await variables.SetAsync(_panel.Owner, app.App.Id, new VariableInput("DATABASE_PASSWORD", "production-only", IsSecret: true))).IsSuccess);
        Assert.True((await variables.SetAsync(_panel.Owner, app.App.Id, new VariableInput("GREETING", "hello previews"))).IsSuccess);
        var shared = (await variables.ListAsync(_panel.Owner, app.App.Id)).Value!.Single(v => v.Key == "GREETING");
        var previews = _panel.Host.Get<PreviewService>();
        Assert.True((await previews.SetVariableAvailableAsync(_panel.Owner, app.App.Id, shared.Id, available: true)).IsSuccess);
        var settings = await previews.UpdateSettingsAsync(_panel.Owner, app.App.Id, new PreviewSettingsInput
        {
            Enabled = true, DomainPattern = "pr-{number}." + zone, MaxConcurrent = 3, IdleDays = 7,
        });
        Assert.True(settings.IsSuccess, settings.Error?.Message);
        var secret = (await _panel.Host.Get<WebhookService>().RegenerateSecretAsync(_panel.Owner, app.App.Id)).Value!;
        app.Serve("main v1");
        await _panel.DeployAsync(app);
        return (app, secret, zone);
    }

    private async Task<Preview> PreviewAsync(ProxiedApp app, int number, WebhookProvider provider = WebhookProvider.GitHub) =>
        (await _panel.Host.Get<IPreviewRepository>().FindAsync(app.App.Id, provider, number))!;

    /// <summary>Waits for the preview's newest deployment to be queued, then for the worker to end it.</summary>
    private async Task<Deployment> PreviewDeploymentAsync(Preview preview, int count = 1)
    {
        await Wait.UntilAsync(async () => (await Deployments.ListByPreviewAsync(preview.Id, 10)).Count >= count, $"preview #{preview.Number}'s deployment {count} to be queued");
        return await _panel.UntilEndedAsync((await Deployments.ListByPreviewAsync(preview.Id, 10))[0].Id);
    }

    private async Task<IReadOnlyList<string>> EnvOfAsync(string containerId) =>
        (await shared.Docker.Client.Containers.InspectContainerAsync(containerId)).Config!.Env.ToList();

    private async Task<bool> ImageExistsAsync(string tag)
    {
        try
        {
            await shared.Docker.Client.Images.InspectImageAsync(tag);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    private Task<IReadOnlyList<string>> PreviewContainersAsync(Preview preview) =>
        _panel.Host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { [GoForgeLabels.Preview] = preview.Id.ToString() });

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public async Task A_same_repository_pull_request_deploys_a_preview_caddy_serves_beside_the_app_and_closing_it_removes_container_image_and_route(WebhookProvider provider)
    {
        var (app, secret, zone) = await RunningAppAsync("same" + provider.ToString().ToLowerInvariant());
        var running = Assert.Single(await Deployments.ListRunningAsync(app.App.Id));
        var head = app.Repository.CommitOnBranch(HeadBranchOf(provider), "preview v1", SampleDockerfiles.ServesIndex(app.Nonce), Index("preview v1"));

        var opened = await Receiver.ReceiveAsync(Request(provider, secret, PullRequestAction.Opened, app.Repository.GitUrl, app.Repository.GitUrl, number: 5, headSha: head));
        var preview = await PreviewAsync(app, 5, provider);
        var deployed = await PreviewDeploymentAsync(preview);

        Assert.Equal(WebhookResponseStatus.Accepted, opened.Status);
        Assert.Equal((HttpStatusCode.OK, "preview v1"), await Caddy.GetAsync($"pr-5.{zone}"));
        // The application serves on, untouched: its deployment is still the one running, and it is not superseded by the preview's.
        Assert.Equal((HttpStatusCode.OK, "main v1"), await Caddy.GetAsync(AppHost(zone)));
        Assert.Equal(running.Id, Assert.Single(await Deployments.ListRunningAsync(app.App.Id)).Id);
        Assert.Equal((PreviewState.Running, head), ((await PreviewAsync(app, 5, provider)).State, deployed.CommitSha));
        var container = Assert.Single(await PreviewContainersAsync(preview));
        Assert.Equal(deployed.ContainerId, container);
        var env = await EnvOfAsync(container);
        Assert.Contains("GREETING=hello previews", env);
        Assert.DoesNotContain(env, e => e.StartsWith("DATABASE_PASSWORD=", StringComparison.Ordinal) || e.StartsWith("TOKEN=", StringComparison.Ordinal));
        Assert.True(await ImageExistsAsync(deployed.ImageTag!));

        var closed = await Receiver.ReceiveAsync(Request(provider, secret, provider == WebhookProvider.GitLab ? PullRequestAction.Merged : PullRequestAction.Closed,
            app.Repository.GitUrl, app.Repository.GitUrl, number: 5, headSha: head));

        Assert.Equal(WebhookResponseStatus.Ok, closed.Status);
        Assert.Empty(await PreviewContainersAsync(preview));
        Assert.False(await ImageExistsAsync(deployed.ImageTag!));
        Assert.NotEqual(HttpStatusCode.OK, (await Caddy.GetAsync($"pr-5.{zone}")).Status);
        Assert.Equal(PreviewState.Closed, (await PreviewAsync(app, 5, provider)).State);
        Assert.Equal(DeploymentState.Superseded, (await Deployments.GetAsync(deployed.Id))!.State);
        Assert.Equal((HttpStatusCode.OK, "main v1"), await Caddy.GetAsync(AppHost(zone)));
        Assert.Equal(running.Id, Assert.Single(await Deployments.ListRunningAsync(app.App.Id)).Id);
    }

    [Fact]
    public async Task A_forks_pull_request_builds_from_the_fork_only_after_approval_without_unmarked_variables_and_a_new_push_waits_again()
    {
        var (app, secret, zone) = await RunningAppAsync("forked");
        var fork = new SampleRepository(Path.GetDirectoryName(app.Repository.GitUrl)!, "fork.git");
        fork.Commit("the fork's main", SampleDockerfiles.ServesIndex(app.Nonce), Index("main v1"));
        // A nonce of its own: the fork's token step must really run (not come from the application's build cache).
        var forkNonce = app.Nonce + "f";
        var head = fork.CommitOnBranch(HeadBranch, "from a fork", SampleDockerfiles.ServesIndex(forkNonce), Index("fork v1"));

        await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Opened, app.Repository.GitUrl, fork.GitUrl, number: 8, headSha: head));
        var waiting = await PreviewAsync(app, 8);

        Assert.Equal((PreviewState.AwaitingApproval, true), (waiting.State, waiting.IsFork));
        Assert.Empty(await Deployments.ListByPreviewAsync(waiting.Id, 10));

        var approved = await _panel.Host.Get<PreviewService>().ApproveAsync(_panel.Owner, waiting.Id, head);
        var deployed = await PreviewDeploymentAsync(waiting);

        Assert.True(approved.IsSuccess, approved.Error?.Message);
        Assert.Equal((HttpStatusCode.OK, "fork v1"), await Caddy.GetAsync($"pr-8.{zone}"));
        var env = await EnvOfAsync(deployed.ContainerId!);
        Assert.Contains("GREETING=hello previews", env);
        Assert.DoesNotContain(env, e => e.StartsWith("DATABASE_PASSWORD=", StringComparison.Ordinal) || e.StartsWith("TOKEN=", StringComparison.Ordinal));
        // The build-time secret not marked for previews never reached the fork's build: the step printed an empty token.
        var log = await _panel.LogAsync(deployed.Id);
        var tokenLine = Assert.Single(log.Split('\n'), l => l.Contains($"build {forkNonce} sees token=", StringComparison.Ordinal) && !l.Contains("echo", StringComparison.Ordinal));
        Assert.EndsWith("sees token=", tokenLine.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("build-secret-forked", log, StringComparison.Ordinal);

        var pushed = fork.CommitOnBranch(HeadBranch, "another push", SampleDockerfiles.ServesIndex(forkNonce), Index("fork v2"));
        await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Synchronized, app.Repository.GitUrl, fork.GitUrl, number: 8, headSha: pushed));

        Assert.Equal((PreviewState.AwaitingApproval, pushed), ((await PreviewAsync(app, 8)).State, (await PreviewAsync(app, 8)).HeadCommit));
        Assert.Single(await Deployments.ListByPreviewAsync(waiting.Id, 10));
        Assert.Equal((HttpStatusCode.OK, "fork v1"), await Caddy.GetAsync($"pr-8.{zone}"));

        var deleted = await _panel.Host.Get<PreviewService>().DeleteAsync(_panel.Owner, waiting.Id);

        Assert.True(deleted.IsSuccess, deleted.Error?.Message);
        Assert.Empty(await PreviewContainersAsync(waiting));
        Assert.False(await ImageExistsAsync(deployed.ImageTag!));
        Assert.NotEqual(HttpStatusCode.OK, (await Caddy.GetAsync($"pr-8.{zone}")).Status);
        Assert.Equal((HttpStatusCode.OK, "main v1"), await Caddy.GetAsync(AppHost(zone)));
    }

    [Fact]
    public async Task A_teardown_a_killed_panel_cut_short_is_finished_by_the_next_clean_up_pass_and_deleting_the_app_takes_its_previews_along()
    {
        var (app, secret, zone) = await RunningAppAsync("crashed");
        var head = app.Repository.CommitOnBranch(HeadBranch, "preview v1", SampleDockerfiles.ServesIndex(app.Nonce), Index("preview v1"));
        await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Opened, app.Repository.GitUrl, app.Repository.GitUrl, number: 11, headSha: head));
        var preview = await PreviewAsync(app, 11);
        var deployed = await PreviewDeploymentAsync(preview);
        Assert.Equal((HttpStatusCode.OK, "preview v1"), await Caddy.GetAsync($"pr-11.{zone}"));

        // The close was stored, then the panel died before the teardown: the preview's container, image and route are still there.
        var repository = _panel.Host.Get<IPreviewRepository>();
        await repository.SaveAsync(preview with { State = PreviewState.Closed, Reason = "pull request closed", ClosedAt = DateTimeOffset.UtcNow });
        Assert.Single(await PreviewContainersAsync(preview));

        await _panel.Host.Get<PreviewIdleCleanup>().RunAsync();

        Assert.Empty(await PreviewContainersAsync(preview));
        Assert.False(await ImageExistsAsync(deployed.ImageTag!));
        Assert.NotEqual(HttpStatusCode.OK, (await Caddy.GetAsync($"pr-11.{zone}")).Status);
        Assert.Equal(DeploymentState.Superseded, (await Deployments.GetAsync(deployed.Id))!.State);
        Assert.Empty(await repository.ListClosedWithLeftoversAsync());

        // Another pull request's preview runs; deleting the application removes it with everything else.
        var second = app.Repository.CommitOnBranch(HeadBranch, "preview v2", SampleDockerfiles.ServesIndex(app.Nonce), Index("preview v2"));
        await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Opened, app.Repository.GitUrl, app.Repository.GitUrl, number: 12, headSha: second));
        var other = await PreviewAsync(app, 12);
        var otherDeployed = await PreviewDeploymentAsync(other);
        Assert.Equal((HttpStatusCode.OK, "preview v2"), await Caddy.GetAsync($"pr-12.{zone}"));

        var deleted = await _panel.Host.Get<ApplicationService>().DeleteAsync(_panel.Owner, app.App.Id);

        Assert.True(deleted.IsSuccess, deleted.Error?.Message);
        Assert.Empty(await PreviewContainersAsync(other));
        Assert.False(await ImageExistsAsync(otherDeployed.ImageTag!));
        Assert.NotEqual(HttpStatusCode.OK, (await Caddy.GetAsync($"pr-12.{zone}")).Status);
    }

    /// <summary>
    /// Figures, not assertions (docs/benchmarks.md, "Previews"): from a signed pull request event to the preview
    /// answering through Caddy (a build that really runs: a new step each round), and the close event's teardown of
    /// container, image and route; median of 3.
    /// </summary>
    [Fact]
    [Trait("Category", "Benchmark")]
    public async Task Benchmark_pull_request_event_to_preview_answering_and_close_to_everything_removed()
    {
        var (app, secret, zone) = await RunningAppAsync("bench");
        var opened = new List<double>();
        var closed = new List<double>();
        for (var round = 1; round <= 3; round++)
        {
            var head = app.Repository.CommitOnBranch(HeadBranch, $"round {round}", SampleDockerfiles.ServesIndex($"{app.Nonce}r{round}"), Index($"round {round}"));
            var started = Stopwatch.GetTimestamp();
            await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Opened, app.Repository.GitUrl, app.Repository.GitUrl, number: 20 + round, headSha: head));
            await Wait.UntilAsync(async () => await Caddy.GetAsync($"pr-{20 + round}.{zone}") == (HttpStatusCode.OK, $"round {round}"), $"preview {round} to answer", CaddyPanel.BuildWait);
            opened.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            started = Stopwatch.GetTimestamp();
            await Receiver.ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Closed, app.Repository.GitUrl, app.Repository.GitUrl, number: 20 + round, headSha: head));
            closed.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Empty(await PreviewContainersAsync(await PreviewAsync(app, 20 + round)));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"preview: event to answering through Caddy median {Median(opened):0} ms ({string.Join(", ", opened.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))}); close to container, image and route removed median {Median(closed):0} ms"));
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
