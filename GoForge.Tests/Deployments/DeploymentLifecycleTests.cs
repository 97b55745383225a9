using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Deployments;

/// <summary>
/// A deployment's whole life on the real engine and PostgreSQL, run by the real <see cref="DeploymentWorker"/> in the
/// host as the panel runs it: cancel mid-build, the panel going away mid-build, rollback, image retention, the live feed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeploymentLifecycleTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const string Secret = "lifecycle-secret-81d3";
    private static readonly TimeSpan BuildWait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(15);

    private readonly string _root = Directory.CreateTempSubdirectory("goforge-lifecycle-").FullName;
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..12];
    private readonly List<string> _ownTags = [];
    private SampleRepository _repository = null!;
    private string _connectionString = null!;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Application _app = null!;

    private string WorkDirectory => Path.Combine(_root, "work");

    private DeploymentService Deployments => _host.Get<DeploymentService>();

    public async Task InitializeAsync()
    {
        _repository = new SampleRepository(_root);
        _connectionString = await postgres.CreateDatabaseAsync("lifecycle");
        _host = await StartHostAsync();
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput("Lifecycle", null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
        _app = (await _host.Get<ApplicationService>().CreateAsync(_owner, environment.Id, new ApplicationInput
        {
            Name = $"life {_nonce}"[..13],
            GitUrl = _repository.GitUrl,
            Branch = "main",
            ContainerPort = 8080,
            HealthCheckPath = "/",
        })).Value!;
        await _host.Get<VariableService>().SetManyAsync(_owner, _app.Id, [new VariableInput("TOKEN", Secret, IsSecret: true, IsBuildTime: true)]);
    }

    public async Task DisposeAsync()
    {
        var runtime = _host.Get<IContainerRuntime>();
        foreach (var id in await runtime.ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = _app.Id.ToString() }))
        {
            await runtime.StopAndRemoveAsync(id);
        }

        foreach (var id in await BuildContainersAsync())
        {
            await docker.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
        }

        foreach (var tag in _ownTags)
        {
            await DeleteImageQuietlyAsync(tag);
        }

        foreach (var deployment in await _host.Get<IDeploymentRepository>().ListByApplicationAsync(_app.Id, 50))
        {
            if (deployment.ImageTag is { } tag)
            {
                await runtime.RemoveImageAsync(tag);
            }
        }

        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A panel on the test's database with the deployment worker running, as GoForge.Web registers it.</summary>
    private Task<TestHost> StartHostAsync() => TestHost.StartOnAsync(_connectionString, new Dictionary<string, string?>
    {
        ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
        ["GoForge:DataPath"] = Path.Combine(_root, "data"), // the same key after a restart, so secrets still decrypt
        ["GoForge:Deployments:WorkDirectory"] = WorkDirectory,
        ["GoForge:Deployments:DeployTimeout"] = "00:00:15",
    }, services => services.AddHostedService<DeploymentWorker>());

    private static Dictionary<string, string> Index(string text) => new() { ["index.html"] = text + "\n" };

    private async Task<Deployment> EnqueueAsync(string? commitSha = null)
    {
        var queued = await Deployments.EnqueueAsync(_owner, _app.Id, commitSha);
        Assert.True(queued.IsSuccess, queued.Error?.Message);
        return queued.Value!;
    }

    private async Task<Deployment> GetAsync(Guid id) => (await _host.Get<IDeploymentRepository>().GetAsync(id))!;

    /// <summary>Waits until the worker is done with the deployment: a final state, or Running with its work folder gone.</summary>
    private async Task<Deployment> WaitDoneAsync(Guid id)
    {
        await Wait.UntilAsync(async () =>
        {
            var state = (await GetAsync(id)).State;
            return state is not (DeploymentState.Pending or DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Deploying)
                && !Directory.Exists(Path.Combine(WorkDirectory, id.ToString("N")));
        }, $"deployment {id} to end", BuildWait);
        return await GetAsync(id);
    }

    private async Task<Deployment> DeployAsync(string? commitSha = null)
    {
        var deployment = await WaitDoneAsync((await EnqueueAsync(commitSha)).Id);
        Assert.True(deployment.State == DeploymentState.Running, $"ended {deployment.State}: {deployment.Reason}\n{await LogAsync(deployment.Id)}");
        return deployment;
    }

    private Task<IReadOnlyList<string>> AppContainersAsync() =>
        _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = _app.Id.ToString() });

    private Task<string> LogAsync(Guid id) =>
        _host.DeploymentLogAsync(id);

    /// <summary>What the deployment's container answers on / over its IP on the application network.</summary>
    private Task<string> FetchAsync(Deployment deployment) => ContainerHttp.GetRootAsync(docker.Client, deployment.ContainerId!);

    /// <summary>Every container on the engine, stopped ones too, that runs this test's slow build step.</summary>
    /// <summary>The slow step's shell: BuildKit runs RUN steps as host processes, not as engine containers.</summary>
    private IReadOnlyList<int> BuildProcesses() => HostSystem.ProcessesRunning(SampleDockerfiles.SlowStepLine(_nonce));

    private async Task<IReadOnlyList<string>> BuildContainersAsync() =>
        (await docker.Client.Containers.ListContainersAsync(new ContainersListParameters { All = true }))
            .Where(c => c.Command?.Contains(_nonce, StringComparison.Ordinal) == true)
            .Select(c => c.ID)
            .ToList();

    private async Task<bool> ImageExistsAsync(string reference)
    {
        try
        {
            await docker.Client.Images.InspectImageAsync(reference);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task DeleteImageQuietlyAsync(string reference)
    {
        try
        {
            await docker.Client.Images.DeleteImageAsync(reference, new ImageDeleteParameters());
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    /// <summary>Tags an existing image under another name, remembered for clean-up.</summary>
    private async Task TagAsync(string image, string repository, string tag)
    {
        await docker.Client.Images.TagImageAsync(image, new ImageTagParameters { RepositoryName = repository, Tag = tag });
        _ownTags.Add($"{repository}:{tag}");
    }

    private async Task WaitForSlowStepAsync(Guid id) =>
        // The line the step prints, not the "Step n/m : RUN ..." line that quotes it: the step's container is running.
        await Wait.UntilAsync(async () => (await LogAsync(id)).Split('\n').Contains(SampleDockerfiles.SlowStepLine(_nonce)),
            "the slow build step to run", BuildWait);

    [Fact]
    public async Task Cancel_during_the_build_ends_canceled_and_stops_the_build_on_the_engine_leaving_nothing_behind()
    {
        _repository.Commit("Slow", SampleDockerfiles.SlowBuild(_nonce), Index("slow"));
        var deployment = await EnqueueAsync();
        await WaitForSlowStepAsync(deployment.Id);
        Assert.Equal(DeploymentState.Building, (await GetAsync(deployment.Id)).State);
        Assert.NotEmpty(BuildProcesses());

        var canceled = await Deployments.CancelAsync(_owner, deployment.Id);

        Assert.True(canceled.IsSuccess, canceled.Error?.Message);
        Assert.Equal(DeploymentState.Canceled, (await GetAsync(deployment.Id)).State);
        await Wait.UntilAsync(async () => (await LogAsync(deployment.Id)).EndsWith("Canceled.", StringComparison.Ordinal), "the run to stop", Promptly);
        await Wait.UntilAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(WorkDirectory, deployment.Id.ToString("N")))), "the work folder to be removed", Promptly);
        await Wait.UntilAsync(() => Task.FromResult(BuildProcesses().Count == 0), "the engine to stop the build's RUN step", Promptly);
        Assert.Empty(await _host.Get<IContainerRuntime>().ListContainersAsync(new Dictionary<string, string> { ["goforge.deployment"] = deployment.Id.ToString() }));
        Assert.False(await ImageExistsAsync($"goforge/{_app.Slug}:{deployment.Id:N}"), "no image is tagged");
        Assert.Equal(DeploymentState.Canceled, (await GetAsync(deployment.Id)).State);
    }

    [Fact]
    public async Task A_panel_that_goes_away_mid_build_leaves_the_build_failed_on_restart_the_queue_moving_and_the_old_container_serving()
    {
        _repository.Commit("One", SampleDockerfiles.ServesIndex(_nonce), Index("one"));
        var v1 = await DeployAsync();
        Assert.Equal("one", await FetchAsync(v1));
        _repository.Commit("Slow", SampleDockerfiles.SlowBuild(_nonce), Index("slow"));
        var v2 = await EnqueueAsync();
        await WaitForSlowStepAsync(v2.Id);
        _repository.Commit("Three", SampleDockerfiles.ServesIndex(_nonce), Index("three"));
        var v3 = await EnqueueAsync();
        Assert.Equal("one", await FetchAsync(v1));

        await _host.DisposeAsync();

        Assert.Equal("one", await FetchAsync(v1));
        await Wait.UntilAsync(() => Task.FromResult(BuildProcesses().Count == 0), "the engine to drop the abandoned build", Promptly);
        _host = await StartHostAsync();
        var interrupted = await WaitDoneAsync(v2.Id);
        Assert.Equal((DeploymentState.Failed, DeploymentWorker.InterruptedReason), (interrupted.State, interrupted.Reason));
        var next = await WaitDoneAsync(v3.Id);
        Assert.True(next.State == DeploymentState.Running, $"ended {next.State}: {next.Reason}\n{await LogAsync(next.Id)}");
        Assert.Equal("three", await FetchAsync(next));
        Assert.Equal(DeploymentState.Superseded, (await GetAsync(v1.Id)).State);
        Assert.Equal([next.ContainerId!], await AppContainersAsync());
    }

    [Fact]
    public async Task Rollback_starts_the_previous_image_again_without_clone_or_build_and_the_replaced_one_is_rolled_back()
    {
        _repository.Commit("One", SampleDockerfiles.ServesIndex(_nonce), Index("one"));
        var v1 = await DeployAsync();
        _repository.Commit("Two", SampleDockerfiles.ServesIndex(_nonce), Index("two"));
        var v2 = await DeployAsync();
        Assert.Equal("two", await FetchAsync(v2));

        var queued = await Deployments.RollbackAsync(_owner, _app.Id);

        Assert.True(queued.IsSuccess, queued.Error?.Message);
        var rollback = await WaitDoneAsync(queued.Value!.Id);
        var log = await LogAsync(rollback.Id);
        Assert.True(rollback.State == DeploymentState.Running, $"ended {rollback.State}: {rollback.Reason}\n{log}");
        Assert.Equal((DeploymentSource.Rollback, v1.Id, v1.ImageTag, v1.CommitSha), (rollback.Source, rollback.RollbackOf, rollback.ImageTag, rollback.CommitSha));
        Assert.Equal("one", await FetchAsync(rollback));
        Assert.Equal(DeploymentState.RolledBack, (await GetAsync(v2.Id)).State);
        Assert.Contains($"Rolling back to deployment {v1.Id}", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Cloning", log, StringComparison.Ordinal);
        var steps = (await Deployments.HistoryAsync(_owner, rollback.Id)).Value!.Select(t => t.To);
        Assert.Equal([DeploymentState.Pending, DeploymentState.Deploying, DeploymentState.Running], steps);
        await Wait.UntilAsync(async () => (await AppContainersAsync()).SequenceEqual([rollback.ContainerId!]), "the rolled back container to be removed", Promptly);
    }

    [Fact]
    public async Task Retention_keeps_the_last_three_images_and_leaves_images_goforge_did_not_build_alone()
    {
        _repository.Commit("One", SampleDockerfiles.ServesIndex(_nonce), Index("one"));
        var deployed = new List<Deployment> { await DeployAsync() };
        // Another name for the first image, and a goforge/-named image GoForge never built (no goforge.app label).
        await TagAsync(deployed[0].ImageTag!, $"goforge-test/kept-{_nonce}", "first");
        await TagAsync(await BusyboxImage.EnsureAsync(docker.Client), $"goforge/{_app.Slug}", "handmade");
        for (var i = 0; i < 4; i++)
        {
            // A new commit each time: a redeploy of the same commit would start the kept image instead of building one.
            _repository.Commit($"Next {i}", SampleDockerfiles.ServesIndex(_nonce), Index($"next {i}"));
            deployed.Add(await DeployAsync());
        }

        var prefix = $"goforge/{_app.Slug}:";
        var kept = deployed.TakeLast(3).Select(d => d.ImageTag!).Order(StringComparer.Ordinal).ToList();
        async Task<List<string>> DeploymentTagsAsync() =>
            (await docker.Client.Images.ListImagesAsync(new ImagesListParameters()))
                .SelectMany(i => i.RepoTags ?? [])
                .Where(t => t.StartsWith(prefix, StringComparison.Ordinal) && t != prefix + "handmade")
                .Order(StringComparer.Ordinal)
                .ToList();
        await Wait.UntilAsync(async () => (await DeploymentTagsAsync()).Count == 3, "old images to be pruned", Promptly);
        Assert.Equal(kept, await DeploymentTagsAsync());
        var targets = (await Deployments.RollbackTargetsAsync(_owner, _app.Id)).Value!;
        Assert.Equal([deployed[3].Id, deployed[2].Id], targets.Select(t => t.DeploymentId));
        Assert.True(await ImageExistsAsync($"goforge-test/kept-{_nonce}:first"), "another tag of a pruned image survives");
        Assert.True(await ImageExistsAsync(prefix + "handmade"), "an image GoForge did not build is never removed");
        var runtime = _host.Get<IContainerRuntime>();
        await Assert.ThrowsAsync<EngineException>(() => runtime.RemoveImageAsync(prefix + "handmade"));
        Assert.True(await ImageExistsAsync(prefix + "handmade"), "RemoveImageAsync refused it");
    }

    [Fact]
    public async Task The_live_feed_carries_every_state_change_in_order_and_every_masked_log_line_exactly_as_stored()
    {
        _repository.Commit("One", SampleDockerfiles.ServesIndex(_nonce), Index("one"));
        var updates = new ConcurrentQueue<DeploymentUpdate>();
        using var watch = (await Deployments.WatchAsync(_owner, _app.Id, updates.Enqueue)).Value!;

        var deployment = await DeployAsync();

        // The feed hands changes over on its own threads: the last one may still be on its way when DeployAsync returns.
        await Wait.UntilAsync(
            () => Task.FromResult(updates.Any(u => u is DeploymentStateChanged { Deployment.State: DeploymentState.Running } s && s.DeploymentId == deployment.Id)),
            "the Running state to reach the watcher");
        var stored = await _host.Get<IDeploymentRepository>().ListLogAsync(deployment.Id, 0, 10000);
        await Wait.UntilAsync(
            () => Task.FromResult(updates.OfType<DeploymentLogAppended>().Where(u => u.DeploymentId == deployment.Id).Sum(u => u.Lines.Count) >= stored.Count),
            "every stored log line to reach the watcher");
        var mine = updates.Where(u => u.DeploymentId == deployment.Id).ToList();
        var states = mine.OfType<DeploymentStateChanged>().Select(s => s.Deployment.State);
        Assert.Equal([DeploymentState.Pending, DeploymentState.Cloning, DeploymentState.Building, DeploymentState.Deploying, DeploymentState.Running], states);
        var lines = mine.OfType<DeploymentLogAppended>().SelectMany(l => l.Lines).ToList();
        Assert.Equal(Enumerable.Range(1, lines.Count), lines.Select(l => l.LineNo));
        Assert.Equal(stored.Select(l => (l.LineNo, l.Text)), lines.Select(l => (l.LineNo, l.Text)));
        Assert.Contains(lines, l => l.Text == $"build {_nonce} sees token=****");
        Assert.DoesNotContain(lines, l => l.Text.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_secret_printed_by_the_build_and_by_a_failing_container_is_masked_in_the_log_and_the_reason()
    {
        _repository.Commit("Leaky", SampleDockerfiles.PrintsTokenAndExits(_nonce));

        var deployment = await WaitDoneAsync((await EnqueueAsync()).Id);

        var log = await LogAsync(deployment.Id);
        Assert.True(deployment.State == DeploymentState.Failed, $"ended {deployment.State}: {deployment.Reason}\n{log}");
        Assert.StartsWith("not healthy", deployment.Reason, StringComparison.Ordinal);
        Assert.Contains($"build {_nonce} sees token=****", log, StringComparison.Ordinal);
        Assert.Contains($"runtime {_nonce} sees token=****", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, deployment.Reason, StringComparison.Ordinal);
    }
}
