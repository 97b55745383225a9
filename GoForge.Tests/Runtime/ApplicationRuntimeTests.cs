using System.Net;
using GoForge.Core.Auditing;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Reconciliation;
using GoForge.Core.Runtime;
using GoForge.Tests.Harness;
using GoForge.Tests.Proxy;
using GoForge.Tests.Support;

namespace GoForge.Tests.Runtime;

/// <summary>
/// Settings without a rebuild on the real engine, through a real Caddy (docs/deployments/apply-and-stop.md): "Apply"
/// recreates the container from the running image with a changed variable while traffic flows; Stop makes the route
/// answer 503, the reconciler leaves the app stopped, Start brings 200 back and Restart keeps the same container; a
/// same-commit redeploy starts the kept image without clone and build, and a changed build-time variable builds again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApplicationRuntimeTests(PostgresFixture postgres, DockerFixture docker, CaddyFixture caddy)
    : IClassFixture<DockerFixture>, IClassFixture<CaddyFixture>, IAsyncLifetime
{
    private const string Variable = "GREETING";

    private CaddyPanel _panel = null!;

    public async Task InitializeAsync() => _panel = await CaddyPanel.StartAsync(postgres, docker, caddy, "appruntime");

    public async Task DisposeAsync() => await _panel.DisposeAsync();

    /// <summary>Serves <c>greeting=$GREETING</c> at / on 8080 (written when the container starts, so it shows the run-time value).</summary>
    private static string GreetsDockerfile(string nonce) => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        ARG TOKEN
        RUN ["/bin/sh", "-c", "echo build {{nonce}} sees token=$TOKEN"]
        CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; echo greeting=$GREETING > /www/index.html; httpd -f -p 8080 -h /www & wait"]
        """;

    private async Task<ProxiedApp> GreetingAppAsync(string name, string host, string greeting)
    {
        var app = await _panel.CreateAppAsync(name, host);
        app.Repository.Commit("greets", GreetsDockerfile(app.Nonce));
        await SetVariableAsync(app, Variable, greeting);
        return app;
    }

    private async Task SetVariableAsync(ProxiedApp app, string key, string value, bool buildTime = false) =>
        Assert.True((await _panel.Host.Get<VariableService>().SetManyAsync(_panel.Owner, app.App.Id, [new VariableInput(key, value, IsBuildTime: buildTime)])).IsSuccess);

    private ApplicationRuntimeService Runtime => _panel.Host.Get<ApplicationRuntimeService>();

    private async Task<ApplicationRuntimeStatus> StatusAsync(ProxiedApp app) => (await Runtime.StatusAsync(_panel.Owner, app.App.Id)).Value!;

    private async Task<Deployment> UntilSettledAsync(Guid id)
    {
        var repository = _panel.Host.Get<IDeploymentRepository>();
        Deployment? deployment = null;
        await Wait.UntilAsync(async () => (deployment = await repository.GetAsync(id))!.State is not
            (DeploymentState.Pending or DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Deploying), $"deployment {id} to end", CaddyPanel.BuildWait);
        return deployment!;
    }

    [Fact]
    public async Task Apply_with_a_changed_variable_keeps_serving_through_caddy_and_the_new_container_sees_the_new_value()
    {
        const string host = "apply.runtime.test";
        var app = await GreetingAppAsync("apply", host, "one");
        var first = await _panel.DeployAsync(app);
        Assert.Equal((HttpStatusCode.OK, "greeting=one"), await caddy.GetAsync(host));
        Assert.False((await StatusAsync(app)).HasPendingSettings);

        await SetVariableAsync(app, Variable, "two");
        Assert.True((await StatusAsync(app)).HasPendingSettings);
        await using var traffic = SteadyTraffic.Start(caddy, host, requestsPerSecond: 50);
        var queued = await Runtime.ApplyAsync(_panel.Owner, app.App.Id);
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        var applied = await UntilSettledAsync(queued.Value.Id);
        // Traffic goes on past the switch and the drain, so requests around both count.
        await Wait.UntilAsync(async () => (await _panel.ContainersAsync(app.App.Id)).Count == 1, "the old container to be retired");
        var report = await traffic.StopAsync();

        Assert.True(applied.State == DeploymentState.Running, $"{applied.State}: {applied.Reason}\n{await _panel.LogAsync(applied.Id)}");
        Assert.Equal(DeploymentKind.Restart, applied.Kind);
        Assert.Equal(first.ImageTag, applied.ImageTag);
        Assert.Contains("no clone, no build", await _panel.LogAsync(applied.Id), StringComparison.Ordinal);
        Assert.DoesNotContain((await _panel.Host.Get<IDeploymentRepository>().ListTransitionsAsync(applied.Id)).Select(t => t.To), s => s is DeploymentState.Cloning or DeploymentState.Building);
        Assert.True(report.Failed.Count == 0, report.FailureSummary());
        Assert.Contains(report.Outcomes, o => o.Body.Contains("greeting=two", StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.OK, "greeting=two"), await caddy.GetAsync(host));
        Assert.Equal(DeploymentState.Superseded, (await _panel.Host.Get<IDeploymentRepository>().GetAsync(first.Id))!.State);
        Assert.False((await StatusAsync(app)).HasPendingSettings);
    }

    [Fact]
    public async Task A_stopped_app_answers_503_through_caddy_stays_stopped_under_the_reconciler_and_answers_200_after_start_and_restart()
    {
        const string host = "stop.runtime.test";
        var app = await GreetingAppAsync("stopper", host, "hello");
        var running = await _panel.DeployAsync(app);
        var deployments = _panel.Host.Get<IDeploymentRepository>();
        var engine = _panel.Host.Get<IContainerRuntime>();

        var stopped = await Runtime.StopAsync(_panel.Owner, app.App.Id);

        Assert.True(stopped.IsSuccess, stopped.Error?.Message);
        Assert.Equal(ApplicationRunState.Stopped, (await StatusAsync(app)).RunState);
        var (status, body) = await caddy.GetAsync(host);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("stopper is stopped", body, StringComparison.Ordinal);
        Assert.False(await IsRunningAsync(engine, running.ContainerId!));
        // Stopped, not failed: the deployment keeps its state (its container is kept for Start).
        Assert.Equal(DeploymentState.Running, (await deployments.GetAsync(running.Id))!.State);

        var before = (await deployments.ListByApplicationAsync(app.App.Id, 50)).Count;
        await _panel.Host.Get<Reconciler>().RunAsync(CancellationToken.None);
        Assert.False(await IsRunningAsync(engine, running.ContainerId!));
        Assert.Equal(before, (await deployments.ListByApplicationAsync(app.App.Id, 50)).Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await caddy.GetAsync(host)).Status);

        var started = await Runtime.StartAsync(_panel.Owner, app.App.Id);
        Assert.True(started.IsSuccess, started.Error?.Message);
        Assert.Equal((HttpStatusCode.OK, "greeting=hello"), await caddy.GetAsync(host));
        Assert.Equal(ApplicationRunState.Running, (await StatusAsync(app)).RunState);

        var restarted = await Runtime.RestartAsync(_panel.Owner, app.App.Id);
        Assert.True(restarted.IsSuccess, restarted.Error?.Message);
        Assert.Equal((HttpStatusCode.OK, "greeting=hello"), await caddy.GetAsync(host));
        Assert.Equal([running.ContainerId!], await _panel.ContainersAsync(app.App.Id));
        var events = (await _panel.Host.Get<ApplicationEvents>().ListAsync(_panel.Owner, app.App.Id)).Value!.Select(e => e.Action).ToList();
        Assert.Equal([AuditActions.ApplicationRestarted, AuditActions.ApplicationStarted, AuditActions.ApplicationStopped], events.Take(3));
    }

    [Fact]
    public async Task A_same_commit_redeploy_skips_clone_and_build_and_a_changed_build_time_variable_builds_again()
    {
        var app = await GreetingAppAsync("reuse", "reuse.runtime.test", "same");
        var built = await _panel.DeployAsync(app);

        var again = await _panel.DeployAsync(app);

        var log = await _panel.LogAsync(again.Id);
        Assert.Contains($"Image {built.ImageTag} of deployment {built.Id} has this commit and build settings: skipping clone and build", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Cloning", log, StringComparison.Ordinal);
        Assert.Equal(built.ImageTag, again.ImageTag);
        Assert.Equal(built.CommitSha, again.CommitSha);
        Assert.Equal(built.BuildFingerprint, again.BuildFingerprint);
        Assert.DoesNotContain((await _panel.Host.Get<IDeploymentRepository>().ListTransitionsAsync(again.Id)).Select(t => t.To), s => s == DeploymentState.Building);

        var forced = await _panel.Host.Get<DeploymentService>().EnqueueAsync(_panel.Owner, app.App.Id, null, DeploymentSource.Manual, forceRebuild: true);
        var rebuilt = await UntilSettledAsync(forced.Value!.Id);
        Assert.Equal(DeploymentState.Running, rebuilt.State);
        Assert.NotEqual(built.ImageTag, rebuilt.ImageTag);
        Assert.Contains("Force rebuild", await _panel.LogAsync(rebuilt.Id), StringComparison.Ordinal);

        await SetVariableAsync(app, "TOKEN", "changed", buildTime: true);
        var changed = await _panel.DeployAsync(app);
        var changedLog = await _panel.LogAsync(changed.Id);
        Assert.DoesNotContain("skipping clone and build", changedLog, StringComparison.Ordinal);
        Assert.Contains("sees token=changed", changedLog, StringComparison.Ordinal);
        Assert.NotEqual(rebuilt.BuildFingerprint, changed.BuildFingerprint);
    }

    private static async Task<bool> IsRunningAsync(IContainerRuntime engine, string containerId) =>
        (await engine.ListLabelledAsync(new Dictionary<string, string> { [GoForgeLabels.Managed] = "true" })).Single(c => c.Id == containerId).IsRunning;
}
