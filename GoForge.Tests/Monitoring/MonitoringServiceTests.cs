using System.Collections.Concurrent;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Core.Servers;
using GoForge.Core.Services;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Monitoring;

/// <summary>
/// The monitoring facade the Overview and Logs tabs use: authorization, following a container across a restart
/// and a redeploy, masking, and the watch moving its stats to the new container. Real Core services over a
/// test-driven engine (real-engine log following is in the Docker adapter tests).
/// </summary>
public sealed class MonitoringServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeEngine _engine = new();
    private ServiceProvider _services = null!;
    private Actor _owner = null!;
    private Actor _outsider = null!;
    private Actor _admin = null!;
    private Application _app = null!;

    private MonitoringService Monitoring => _services.GetRequiredService<MonitoringService>();

    private ContainerStateTracker Tracker => _services.GetRequiredService<ContainerStateTracker>();

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        var store = services.AddInMemoryProjects();
        services.AddSingleton(Options.Create(new MonitoringOptions { Linger = TimeSpan.Zero, MaxReconnectDelay = TimeSpan.FromSeconds(1) }));
        services.AddSingleton<IContainerInventory>(_engine);
        services.AddSingleton<IEngineEventSource>(_engine);
        services.AddSingleton<IContainerStatsSource>(_engine);
        services.AddSingleton<IContainerLogSource>(_engine);
        services.AddSingleton<IDockerMaintenance, RecordingMaintenance>();
        services.AddSingleton<IEngineStatusProbe, ReachableEngine>();
        services.AddSingleton<ContainerStatsHub>();
        services.AddSingleton<ContainerStateTracker>();
        services.AddSingleton<MonitoringService>();
        services.AddSingleton<DockerAdminService>();
        _services = services.BuildServiceProvider();
        _owner = Actor.From(store.AddUser("owner"));
        _outsider = Actor.From(store.AddUser("outsider"));
        _admin = Actor.From(store.AddUser("root", UserRole.Admin));
        var project = (await _services.GetRequiredService<ProjectService>().CreateAsync(_owner, new ProjectInput("Shop", null))).Value!;
        var environment = (await _services.GetRequiredService<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
        _app = (await _services.GetRequiredService<ApplicationService>().CreateAsync(_owner, environment.Id, new ApplicationInput
        {
            Name = "web",
            GitUrl = "https://example.com/web.git",
        })).Value!;
        await _services.GetRequiredService<VariableService>().SetAsync(_owner, _app.Id, new VariableInput("API_TOKEN", "tok-9f8e7d", IsSecret: true));
        await Tracker.StartAsync(CancellationToken.None);
        await Tracker.FirstSync.WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        await Tracker.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    private static async Task UntilAsync(Func<bool> condition, string what) =>
        await Wait.UntilAsync(() => Task.FromResult(condition()), what, Timeout);

    private static ContainerLogLine Line(string text, DateTimeOffset at, LogOutput output = LogOutput.Stdout) => new(at, output, text);

    [Fact]
    public async Task An_outsider_gets_not_found_and_nothing_is_watched_or_read()
    {
        var watch = await Monitoring.WatchAsync(_outsider, _app.Id, _ => { });
        var logs = await Monitoring.FollowLogsAsync(_outsider, _app.Id);
        var unknown = await Monitoring.WatchAsync(_owner, Guid.NewGuid(), _ => { });

        Assert.Equal(ErrorKind.NotFound, watch.Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, logs.Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, unknown.Error?.Kind);
        Assert.Equal(0, Tracker.SubscriberCount);
        Assert.Equal(0, _engine.LogReadersOpen);
    }

    [Fact]
    public async Task A_service_is_watched_like_an_application_with_its_credentials_masked_and_hidden_from_outsiders()
    {
        var environmentId = _app.EnvironmentId;
        var service = new ServiceInstance
        {
            Id = Guid.CreateVersion7(),
            ProjectId = _app.ProjectId,
            EnvironmentId = environmentId,
            TemplateId = "redis",
            Version = "7.4",
            Name = "cache",
            Slug = "cache",
            State = ServiceState.Running,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        await _services.GetRequiredService<IServiceInstanceRepository>().TryCreateAsync(service, new Dictionary<string, string> { ["password"] = "Pw0rdOfTheCache" }, null);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);
        _engine.Put(FakeEngine.Running(_app.Id, "app-c", startedAt: t0));
        _engine.Put(new ContainerSnapshot
        {
            Id = "svc-c",
            Name = "goforge-shop-production-cache",
            Image = "redis:7.4",
            State = ContainerRunState.Running,
            StartedAt = t0,
            ServiceId = service.Id,
            Labels = new Dictionary<string, string> { ["goforge.managed"] = "true", [ServiceLabels.Service] = service.Id.ToString() },
        });
        _engine.WriteLog("svc-c", Line("requirepass Pw0rdOfTheCache accepted", t0.AddSeconds(1)));
        await UntilAsync(() => Tracker.CurrentFor(service.Id)?.Id == "svc-c", "the service's container tracked");

        using var watch = (await Monitoring.WatchAsync(_owner, Workload.Service(service.Id), _ => { })).Value!;
        Assert.Equal("svc-c", watch.Initial.Container?.Id);
        Assert.Equal("app-c", Tracker.CurrentFor(_app.Id)?.Id);
        var read = (await Monitoring.ReadLogsAsync(_owner, Workload.Service(service.Id), 10)).Value!;
        var lines = new List<string>();
        await foreach (var entry in read)
        {
            lines.Add(entry.Text);
        }

        Assert.Equal(["requirepass **** accepted"], lines);
        Assert.Equal(ErrorKind.NotFound, (await Monitoring.WatchAsync(_outsider, Workload.Service(service.Id), _ => { })).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Monitoring.FollowLogsAsync(_outsider, Workload.Service(service.Id))).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Monitoring.ReadLogsAsync(_owner, Workload.Service(Guid.NewGuid()), 10)).Error?.Kind);
    }

    [Fact]
    public async Task The_watch_starts_with_the_current_container_and_moves_its_stats_to_a_redeployed_one()
    {
        _engine.Put(FakeEngine.Running(_app.Id, "old", startedAt: DateTimeOffset.UtcNow.AddMinutes(-5)));
        await UntilAsync(() => Tracker.CurrentFor(_app.Id)?.Id == "old", "the old container tracked");
        var updates = new ConcurrentQueue<RuntimeUpdate>();

        using var watch = (await Monitoring.WatchAsync(_owner, _app.Id, updates.Enqueue)).Value!;
        Assert.Equal("old", watch.Initial.Container?.Id);
        _engine.WriteStats("old", FakeEngine.Reading(DateTimeOffset.UtcNow, 12, 30));
        await UntilAsync(() => updates.OfType<RuntimeStatsArrived>().Any(s => s.ContainerId == "old"), "stats of the old container");

        // A redeploy: the new container starts, the old one goes.
        _engine.Put(FakeEngine.Running(_app.Id, "new"));
        _engine.Remove("old");
        await UntilAsync(() => updates.OfType<RuntimeContainerChanged>().Any(c => c.Container?.Id == "new"), "the switch to the new container");
        _engine.WriteStats("new", FakeEngine.Reading(DateTimeOffset.UtcNow, 40, 30));

        await UntilAsync(() => updates.OfType<RuntimeStatsArrived>().Any(s => s.ContainerId == "new"), "stats of the new container");
        var hub = _services.GetRequiredService<ContainerStatsHub>();
        watch.Dispose();
        Assert.Equal(0, Tracker.SubscriberCount);
        Assert.Equal(0, hub.SubscriberCount);
    }

    [Fact]
    public async Task Logs_give_the_tail_then_follow_through_a_restart_and_a_redeploy_with_secrets_masked()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);
        var first = FakeEngine.Running(_app.Id, "c1", startedAt: t0);
        _engine.Put(first);
        for (var i = 0; i < 5; i++)
        {
            _engine.WriteLog("c1", Line($"boot {i}", t0.AddSeconds(i)));
        }

        await UntilAsync(() => Tracker.CurrentFor(_app.Id) is not null, "the container tracked");
        using var cts = new CancellationTokenSource(Timeout * 3);
        var entries = new ConcurrentQueue<WorkloadLogEntry>();
        var stream = (await Monitoring.FollowLogsAsync(_owner, _app.Id, tail: 2, cts.Token)).Value!;
        var reader = Task.Run(async () =>
        {
            await foreach (var entry in stream.WithCancellation(cts.Token))
            {
                entries.Enqueue(entry);
            }
        });

        await UntilAsync(() => entries.Count == 2, "the tail");
        Assert.Equal(["boot 3", "boot 4"], entries.Select(e => e.Text));

        _engine.WriteLog("c1", Line("calling api with tok-9f8e7d", t0.AddSeconds(10), LogOutput.Stderr));
        await UntilAsync(() => entries.Count == 3, "a followed line");
        Assert.Equal("calling api with ****", entries.Last().Text);
        Assert.Equal(LogOutput.Stderr, entries.Last().Stream);

        // The engine restarts the same container: its stream ends, and the log goes on after a notice.
        _engine.EndStreams("c1");
        _engine.Put(first with { StartedAt = t0.AddSeconds(20), RestartCount = 1 }, "restart");
        _engine.WriteLog("c1", Line("after restart", t0.AddSeconds(21)));
        await UntilAsync(() => entries.Any(e => e.Text == "after restart"), "the line after the restart");
        Assert.Contains(entries, e => e.Notice && e.Text.Contains("restarted", StringComparison.Ordinal));
        Assert.Single(entries, e => e.Text == "boot 4");

        // A redeploy: a new container takes over.
        _engine.Put(FakeEngine.Running(_app.Id, "c2", name: "goforge-web-2", startedAt: t0.AddSeconds(30)));
        _engine.EndStreams("c1");
        _engine.Remove("c1");
        _engine.WriteLog("c2", Line("v2 listening", t0.AddSeconds(31)));
        await UntilAsync(() => entries.Any(e => e.Text == "v2 listening" && e.ContainerId == "c2"), "the new container's line");
        Assert.Contains(entries, e => e.Notice && e.Text.Contains("goforge-web-2", StringComparison.Ordinal));

        await cts.CancelAsync();
        await reader.WaitAsync(Timeout).ContinueWith(_ => { }, TaskScheduler.Default);
        await UntilAsync(() => _engine.LogReadersOpen == 0 && Tracker.SubscriberCount == 0, "the reader and its subscription released");
    }

    [Fact]
    public async Task Docker_administration_is_refused_to_non_admins()
    {
        var admin = _services.GetRequiredService<DockerAdminService>();

        Assert.Equal(ErrorKind.Forbidden, (await admin.GetOverviewAsync(_owner)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await admin.PlanPruneAsync(_owner, PruneKind.DanglingImages, everything: false)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await admin.PruneAsync(_owner, PruneKind.DanglingImages, false, [])).Error?.Kind);
        Assert.Empty(((RecordingMaintenance)_services.GetRequiredService<IDockerMaintenance>()).Pruned);
    }

    [Fact]
    public async Task A_prune_without_all_refuses_an_unmanaged_candidate_and_removes_nothing()
    {
        var admin = _services.GetRequiredService<DockerAdminService>();
        PruneCandidate[] confirmed = [new("sha256:aaa", "goforge/web:1", 10, Managed: true), new("sha256:bbb", "postgres:<none>", 20, Managed: false)];

        var refused = await admin.PruneAsync(_admin, PruneKind.DanglingImages, everything: false, confirmed);
        var allowed = await admin.PruneAsync(_admin, PruneKind.DanglingImages, everything: true, confirmed);

        Assert.Equal(ErrorKind.Validation, refused.Error?.Kind);
        Assert.True(allowed.IsSuccess);
        Assert.Equal(["sha256:aaa", "sha256:bbb"], ((RecordingMaintenance)_services.GetRequiredService<IDockerMaintenance>()).Pruned);
    }

    private sealed class RecordingMaintenance : IDockerMaintenance
    {
        public ConcurrentQueue<string> Pruned { get; } = new();

        public Task<DiskUsage> DiskUsageAsync(CancellationToken ct = default) => Task.FromResult(new DiskUsage([]));

        public Task<IReadOnlyList<EngineImage>> ListManagedImagesAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyList<EngineImage>>([]);

        public Task<IReadOnlyList<PruneCandidate>> PlanPruneAsync(PruneKind kind, bool everything, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<PruneCandidate>>([]);

        public Task<PruneOutcome> PruneAsync(PruneKind kind, bool everything, IReadOnlyList<PruneCandidate> candidates, CancellationToken ct = default)
        {
            foreach (var candidate in candidates)
            {
                Pruned.Enqueue(candidate.Id);
            }

            return Task.FromResult(new PruneOutcome(candidates.Count, candidates.Sum(c => c.SizeBytes), []));
        }
    }

    private sealed class ReachableEngine : IEngineStatusProbe
    {
        public Task<EngineStatus> GetStatusAsync(CancellationToken ct = default) =>
            Task.FromResult(new EngineStatus { Reachable = true, Endpoint = "unix:///fake.sock", Version = "20.10" });
    }
}
