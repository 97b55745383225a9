using System.Globalization;
using Bunit;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Core.Servers;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GoForge.Tests.Components;

/// <summary>
/// The dashboard over the real tracker, host monitor and dashboard service, fed by <see cref="FakeEngine"/> and a
/// test <see cref="IHostMetrics"/>; time is a <see cref="FakeTimeProvider"/>, so each coalesced re-read and each
/// host sample happens exactly when the test advances the clock.
/// </summary>
public sealed class DashboardLiveTests : GoForgeTestContext
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", CultureInfo.InvariantCulture));
    private readonly InMemoryProjectStore _store;
    private readonly CountingApplications _applications;
    private readonly LiveMonitoring _monitoring;
    private readonly Actor _ada;

    public DashboardLiveTests()
    {
        _store = Services.AddInMemoryProjects();
        _applications = new CountingApplications(new InMemoryApplicationRepository(_store));
        Services.AddSingleton<IApplicationRepository>(_applications);
        _monitoring = LiveMonitoring.AddTo(Services, _time);
        _ada = this.SignIn(_store.AddUser("ada", UserRole.Admin));
    }

    protected override Task InitializeAsync() => _monitoring.StartAsync();

    protected override ValueTask DisposeResourcesAsync() => _monitoring.DisposeAsync();

    [Fact]
    public async Task Dashboard_counts_applications_by_health_and_lists_the_unhealthy_one_first()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var api = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var web = await Services.CreateApplicationAsync(_ada, production.Id, "web");
        await Services.CreateApplicationAsync(_ada, production.Id, "worker");
        await _monitoring.PutAndSettleAsync(FakeEngine.Running(api.Id, "c-api", "shop-api"));
        await _monitoring.PutAndSettleAsync(Died(FakeEngine.Running(web.Id, "c-web", "shop-web"), exitCode: 1), "die");
        Deployments.History.Add(Deployment(web.Id, DeploymentState.Failed));

        var page = Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=dashboard-app]").Count), WaitTimeout);
        Assert.Equal(
            [("Unhealthy", "1"), ("Running", "1"), ("Stopped", "0"), ("NotDeployed", "1")],
            page.FindAll("[data-testid=health-count]").Select(c => (c.GetAttribute("data-health"), c.QuerySelector("[data-testid=health-count-value]")!.TextContent.Trim())));
        var rows = page.FindAll("[data-testid=dashboard-app]");
        Assert.Equal(["Unhealthy", "Running", "NotDeployed"], rows.Select(r => r.GetAttribute("data-health")));
        Assert.Equal($"/applications/{web.Id}", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("exited (1)", rows[0].TextContent, StringComparison.Ordinal);
        var deployment = page.Find("[data-testid=recent-deployment]");
        Assert.Equal("Failed", deployment.QuerySelector("[data-testid=deployment-state]")!.GetAttribute("data-state"));
        Assert.Contains("web", deployment.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 needs attention", page.Find("[data-testid=dashboard-subtitle]").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.Find("[data-testid=engine-connection]").GetAttribute("data-connected"));
    }

    [Fact]
    public async Task A_container_that_dies_turns_its_application_unhealthy_and_moves_it_first()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var api = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var web = await Services.CreateApplicationAsync(_ada, production.Id, "web");
        var webContainer = FakeEngine.Running(web.Id, "c-web", "shop-web");
        await _monitoring.PutAndSettleAsync(FakeEngine.Running(api.Id, "c-api", "shop-api"));
        await _monitoring.PutAndSettleAsync(webContainer);
        var page = Render<Dashboard>();
        page.WaitForAssertion(() => Assert.Equal("2", CountOf(page, ApplicationHealth.Running)), WaitTimeout);

        await _monitoring.PutAndSettleAsync(Died(webContainer, exitCode: 1), "die");
        _time.Advance(Dashboard.RefreshInterval);

        page.WaitForAssertion(() => Assert.Equal("1", CountOf(page, ApplicationHealth.Unhealthy)), WaitTimeout);
        Assert.Equal("1", CountOf(page, ApplicationHealth.Running));
        var first = page.FindAll("[data-testid=dashboard-app]")[0];
        Assert.Equal((web.Id.ToString(), "Unhealthy"), (first.GetAttribute("data-id"), first.GetAttribute("data-health")));
    }

    [Fact]
    public async Task A_burst_of_container_changes_within_a_second_rereads_the_summary_once()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var api = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var container = FakeEngine.Running(api.Id, "c-api", "shop-api");
        await _monitoring.PutAndSettleAsync(container);
        var page = Render<Dashboard>();
        page.WaitForAssertion(() => Assert.Equal("1", CountOf(page, ApplicationHealth.Running)), WaitTimeout);
        var readsBefore = _applications.Lists;

        for (var restart = 1; restart <= 5; restart++)
        {
            _monitoring.Engine.Put(container with { State = ContainerRunState.Restarting, RestartCount = restart }, "restart");
        }

        await _monitoring.PutAndSettleAsync(container with { State = ContainerRunState.Exited, ExitCode = 2, RestartCount = 5 }, "die");
        Assert.Equal(readsBefore, _applications.Lists);
        _time.Advance(Dashboard.RefreshInterval);

        page.WaitForAssertion(() => Assert.Equal("1", CountOf(page, ApplicationHealth.Unhealthy)), WaitTimeout);
        Assert.Equal(readsBefore + 1, _applications.Lists);
        _time.Advance(Dashboard.RefreshInterval);
        Assert.Equal(readsBefore + 1, _applications.Lists);
    }

    [Fact]
    public void Host_figures_come_from_the_host_monitor_and_follow_its_samples()
    {
        _monitoring.Metrics.Next = new HostSample(_time.GetUtcNow(), 12.5, 2_000_000_000, 8_000_000_000, 4);

        var page = Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Equal("12.5 % of 4 cores", page.Find("[data-testid=host-cpu-value]").TextContent.Trim()), WaitTimeout);
        Assert.Equal("2 GB of 8 GB", page.Find("[data-testid=host-memory-value]").TextContent.Trim());

        _monitoring.Metrics.Next = new HostSample(_time.GetUtcNow(), 87.26, 7_500_000_000, 8_000_000_000, 4);
        _time.Advance(HostMonitor.Interval);

        page.WaitForAssertion(() => Assert.Equal("87.3 % of 4 cores", page.Find("[data-testid=host-cpu-value]").TextContent.Trim()), WaitTimeout);
        Assert.Equal("7.5 GB of 8 GB", page.Find("[data-testid=host-memory-value]").TextContent.Trim());
    }

    [Fact]
    public async Task Disposing_the_dashboard_unsubscribes_from_the_tracker_and_the_host_monitor()
    {
        var trackerBefore = _monitoring.Tracker.SubscriberCount;
        var hostBefore = _monitoring.Host.SubscriberCount;
        var page = Render<Dashboard>();
        page.WaitForAssertion(() => Assert.Equal((trackerBefore + 1, hostBefore + 1), (_monitoring.Tracker.SubscriberCount, _monitoring.Host.SubscriberCount)), WaitTimeout);

        await DisposeComponentsAsync();

        Assert.Equal((trackerBefore, hostBefore), (_monitoring.Tracker.SubscriberCount, _monitoring.Host.SubscriberCount));
    }

    private NoDeploymentRepository Deployments => (NoDeploymentRepository)Services.GetRequiredService<IDeploymentRepository>();

    private static string CountOf(IRenderedComponent<Dashboard> page, ApplicationHealth health) =>
        page.Find($"[data-testid=health-count][data-health={health}] [data-testid=health-count-value]").TextContent.Trim();

    private static ContainerSnapshot Died(ContainerSnapshot container, int exitCode) =>
        container with { State = ContainerRunState.Exited, ExitCode = exitCode, FinishedAt = DateTimeOffset.UtcNow };

    private Deployment Deployment(Guid applicationId, DeploymentState state) => new()
    {
        Id = Guid.CreateVersion7(),
        ApplicationId = applicationId,
        State = state,
        Source = DeploymentSource.Manual,
        RequestedBy = _ada.UserId,
        CreatedAt = _time.GetUtcNow(),
        UpdatedAt = _time.GetUtcNow(),
    };

    /// <summary>Counts how often the dashboard's summary is read (it lists the visible projects' applications once per read).</summary>
    private sealed class CountingApplications(IApplicationRepository inner) : IApplicationRepository
    {
        private int _lists;

        public int Lists => Volatile.Read(ref _lists);

        public Task<IReadOnlyList<Application>> ListByProjectsAsync(IReadOnlyCollection<Guid> projectIds, CancellationToken ct = default)
        {
            Interlocked.Increment(ref _lists);
            return inner.ListByProjectsAsync(projectIds, ct);
        }

        public Task<SaveOutcome> TryCreateAsync(Application application, CancellationToken ct = default) => inner.TryCreateAsync(application, ct);

        public Task<Application?> GetAsync(Guid id, CancellationToken ct = default) => inner.GetAsync(id, ct);

        public Task<IReadOnlyList<Application>> ListByEnvironmentAsync(Guid environmentId, CancellationToken ct = default) => inner.ListByEnvironmentAsync(environmentId, ct);

        public Task<SaveOutcome> TryUpdateAsync(Application application, CancellationToken ct = default) => inner.TryUpdateAsync(application, ct);

        public Task<bool> DeleteAsync(Guid id, CancellationToken ct = default) => inner.DeleteAsync(id, ct);
    }
}

/// <summary>
/// The real monitoring services (events tracker, stats hub, host monitor, dashboard and Docker admin services) over a
/// <see cref="FakeEngine"/>, a test <see cref="IHostMetrics"/>, a <see cref="RecordingMaintenance"/> and an engine probe
/// that answers at once, registered for page tests. <see cref="StartAsync"/> runs the tracker until its first sync.
/// </summary>
internal sealed class LiveMonitoring : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private int _settles;

    private LiveMonitoring(TimeProvider time)
    {
        var options = Options.Create(new MonitoringOptions { AlwaysCollect = false });
        Hub = new ContainerStatsHub(Engine, options, time, NullLogger<ContainerStatsHub>.Instance);
        Tracker = new ContainerStateTracker(Engine, Engine, Hub, options, time, NullLogger<ContainerStateTracker>.Instance);
        Host = new HostMonitor(Metrics, time, NullLogger<HostMonitor>.Instance);
    }

    public FakeEngine Engine { get; } = new();

    public TestHostMetrics Metrics { get; } = new();

    public RecordingMaintenance Maintenance { get; } = new();

    public ContainerStatsHub Hub { get; }

    public ContainerStateTracker Tracker { get; }

    public HostMonitor Host { get; }

    /// <summary>What the engine probe answers; reachable unless a test says otherwise.</summary>
    public EngineStatus Status { get; set; } = new() { Reachable = true, Endpoint = "unix:///var/run/docker.sock", Version = "27.3.1", ApiVersion = "1.47" };

    /// <summary>Registers the services; <paramref name="probe"/> false leaves <see cref="IEngineStatusProbe"/> to the test.</summary>
    public static LiveMonitoring AddTo(IServiceCollection services, TimeProvider time, bool probe = true)
    {
        var monitoring = new LiveMonitoring(time);
        services.AddSingleton(time);
        services.AddSingleton(monitoring.Hub);
        services.AddSingleton(monitoring.Tracker);
        services.AddSingleton(monitoring.Host);
        services.AddSingleton<IDockerMaintenance>(monitoring.Maintenance);
        services.AddSingleton<DashboardService>();
        services.AddSingleton<DockerAdminService>();
        if (probe)
        {
            services.AddSingleton<IEngineStatusProbe>(new Probe(monitoring));
        }

        return monitoring;
    }

    public async Task StartAsync()
    {
        await Tracker.StartAsync(CancellationToken.None);
        await Tracker.FirstSync.WaitAsync(Timeout);
    }

    /// <summary>
    /// Puts the container (raising <paramref name="action"/>), then a marker change, and waits until a subscriber of
    /// the tracker sees the marker: the tracker handles events in order, so by then every subscriber got the change.
    /// </summary>
    public async Task PutAndSettleAsync(ContainerSnapshot container, string action = "start")
    {
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarts = Interlocked.Increment(ref _settles);
        using var watch = Tracker.Subscribe(change =>
        {
            if (change.Container is { Id: "settle-marker" } seen && seen.RestartCount == restarts)
            {
                marker.TrySetResult();
            }
        });

        Engine.Put(container, action);
        Engine.Put(new ContainerSnapshot
        {
            Id = "settle-marker",
            Name = "settle-marker",
            Image = "busybox",
            State = ContainerRunState.Exited,
            RestartCount = restarts,
            Labels = new Dictionary<string, string> { ["goforge.managed"] = "true" },
        }, "die");
        await marker.Task.WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        await Tracker.StopAsync(CancellationToken.None);
        Tracker.Dispose();
        Host.Dispose();
        await Hub.DisposeAsync();
    }

    private sealed class Probe(LiveMonitoring monitoring) : IEngineStatusProbe
    {
        public Task<EngineStatus> GetStatusAsync(CancellationToken ct = default) => Task.FromResult(monitoring.Status);
    }
}

/// <summary>The host's figures as the test sets them; every read returns <see cref="Next"/>.</summary>
internal sealed class TestHostMetrics : IHostMetrics
{
    private HostSample _next = new(DateTimeOffset.UnixEpoch, 0, 0, 0, 1);

    public HostSample Next
    {
        get => Volatile.Read(ref _next);
        set => Volatile.Write(ref _next, value);
    }

    public HostSample Read() => Next;
}
