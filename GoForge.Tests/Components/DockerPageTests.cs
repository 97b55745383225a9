using Bunit;
using GoForge.Core.Containers;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Tests.Support;
using GoForge.Web.Components.Layout;
using GoForge.Web.Components.Pages.Servers;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

/// <summary>The admin Docker page over the real Docker admin service, tracker and dashboard service, fed by <see cref="FakeEngine"/>.</summary>
public sealed class DockerPageTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly LiveMonitoring _monitoring;

    public DockerPageTests()
    {
        _store = Services.AddInMemoryProjects();
        _monitoring = LiveMonitoring.AddTo(Services, TimeProvider.System);
        // The Swarm card asks the real adapter, at an endpoint where no engine listens: it says so and offers nothing.
        Services.AddUnreachableSwarm();
    }

    protected override Task InitializeAsync() => _monitoring.StartAsync();

    protected override ValueTask DisposeResourcesAsync() => _monitoring.DisposeAsync();

    [Theory]
    [InlineData(UserRole.Member, false)]
    [InlineData(UserRole.Admin, true)]
    public void The_router_shows_the_docker_page_and_its_menu_entry_to_admins_only(UserRole role, bool shown)
    {
        SignIn("someone", role);

        var routed = Render<AuthorizeRouteView>(p => p
            .Add(v => v.RouteData, new RouteData(typeof(Servers), new Dictionary<string, object?>()))
            .Add(v => v.NotAuthorized, (RenderFragment<AuthenticationState>)(_ => b =>
            {
                b.OpenComponent<RedirectToLogin>(0);
                b.CloseComponent();
            })));
        var menu = Render<NavMenu>();

        if (shown)
        {
            routed.WaitForElement("[data-testid=disk-usage-line]", WaitTimeout);
            Assert.Single(menu.FindAll("a[href='/servers']"));
        }
        else
        {
            routed.WaitForAssertion(() => Assert.Contains("You do not have access to this page.", routed.Markup, StringComparison.Ordinal), WaitTimeout);
            Assert.Empty(routed.FindAll("[data-testid=disk-usage]"));
            Assert.Equal(0, _monitoring.Maintenance.DiskUsageCalls);
            Assert.Empty(menu.FindAll("a[href='/servers']"));
        }
    }

    [Fact]
    public void A_member_who_reaches_the_page_anyway_gets_the_services_refusal_and_no_engine_data()
    {
        SignIn("bob", UserRole.Member);
        var subscribers = _monitoring.Tracker.SubscriberCount;

        var page = Render<Servers>();

        var refusal = page.WaitForElement("[data-testid=page-error]", WaitTimeout);
        Assert.Contains("Only administrators manage the Docker engine.", refusal.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=disk-usage]"));
        Assert.Equal(0, _monitoring.Maintenance.DiskUsageCalls);
        Assert.Equal(subscribers, _monitoring.Tracker.SubscriberCount);
    }

    [Fact]
    public void Admin_sees_the_engine_disk_usage_and_goforges_images_in_readable_sizes()
    {
        SignIn("ada", UserRole.Admin);

        var page = Render<Servers>();

        page.WaitForElement("[data-testid=disk-usage-line]", WaitTimeout);
        Assert.Contains("27.3.1 (API 1.47)", page.Find("[data-testid=engine-status]").TextContent, StringComparison.Ordinal);
        var lines = page.FindAll("[data-testid=disk-usage-line]")
            .Select(r => string.Join(" | ", r.QuerySelectorAll("td").Select(td => td.TextContent.Trim())))
            .ToList();
        Assert.Equal(
            [
                "Images | 5 | 2 | 1.5 GB | 600 MB (40%)",
                "Containers | 3 | 2 | 12.3 MB | 0 B (0%)",
                "Local Volumes | 2 | 1 | 250 MB | 0 B (0%)",
                "Build Cache | 40 | 0 | 2.34 GB | 2.34 GB (100%)",
            ],
            lines);
        var images = page.FindAll("[data-testid=image-row]");
        Assert.Equal(2, images.Count);
        var api = images.Single(r => r.GetAttribute("data-id") == RecordingMaintenance.ApiImageId);
        var cells = api.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["goforge/shop-api:3f2a1b0", "aaaaaaaaaaaa", "123 MB", "2026-11-30 08:15 UTC", "1"], cells);
        Assert.Contains("goforge/shop-web:latest", page.Find("[data-testid=images]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Containers_table_follows_container_changes_pushed_by_the_engine()
    {
        var ada = SignIn("ada", UserRole.Admin);
        var (_, production) = await Services.CreateProjectAsync(ada, "Shop");
        var api = await Services.CreateApplicationAsync(ada, production.Id, "api");
        var container = FakeEngine.Running(api.Id, "c-api", "shop-api-1");
        _monitoring.Engine.Put(container);
        await Wait.UntilAsync(() => Task.FromResult(_monitoring.Tracker.Find("c-api") is not null), "the tracker to see the container", WaitTimeout);

        var page = Render<Servers>();

        var row = page.WaitForElement("[data-testid=container-row][data-id=c-api]", WaitTimeout);
        Assert.Equal("running", row.QuerySelector("[data-testid=container-state]")!.TextContent.Trim());
        Assert.Equal("api", row.QuerySelector("a")!.TextContent.Trim());
        Assert.Equal($"/applications/{api.Id}", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("live", page.Find("[data-testid=containers-live]").TextContent.Trim());

        _monitoring.Engine.Put(container with { State = ContainerRunState.Exited, ExitCode = 137, RestartCount = 2, Health = ContainerHealthState.Unhealthy }, "die");

        page.WaitForAssertion(() => Assert.Equal("exited (137)", State(page, "c-api")), WaitTimeout);
        var changed = page.Find("[data-testid=container-row][data-id=c-api]");
        Assert.Equal("2", changed.QuerySelector("[data-testid=container-restarts]")!.TextContent.Trim());
        Assert.Equal("unhealthy", changed.QuerySelector("[data-testid=container-health]")!.TextContent.Trim());
        Assert.Equal(1, _monitoring.Maintenance.DiskUsageCalls); // live changes re-render; they never re-read the engine

        _monitoring.Engine.Put(FakeEngine.Running(api.Id, "c-api-2", "shop-api-2"));
        _monitoring.Engine.Remove("c-api");

        page.WaitForAssertion(() => Assert.Equal(["c-api-2"], page.FindAll("[data-testid=container-row]").Select(r => r.GetAttribute("data-id"))), WaitTimeout);
    }

    [Fact]
    public void The_prerender_asks_the_engine_nothing_and_watches_nothing()
    {
        SignIn("ada", UserRole.Admin);
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var subscribers = _monitoring.Tracker.SubscriberCount;

        var page = Render<Servers>();

        Assert.NotEmpty(page.FindAll("[data-testid=disk-usage] .mud-progress-linear"));
        Assert.Equal(0, _monitoring.Maintenance.DiskUsageCalls);
        Assert.Equal(subscribers, _monitoring.Tracker.SubscriberCount);
    }

    [Fact]
    public void An_unreachable_engine_shows_its_error_and_offers_no_clean_up()
    {
        SignIn("ada", UserRole.Admin);
        _monitoring.Status = new() { Reachable = false, Endpoint = "unix:///var/run/docker.sock", Error = "connect: no such file or directory" };

        var page = Render<Servers>();

        page.WaitForAssertion(() => Assert.Contains("connect: no such file or directory", page.Find("[data-testid=docker-error]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Equal("unreachable", page.Find("[data-testid=engine-status] .mud-chip").TextContent.Trim());
        Assert.All(Enum.GetValues<PruneKind>(), kind => Assert.True(page.Find($"[data-testid=prune-{kind}]").HasAttribute("disabled")));
        Assert.Equal(0, _monitoring.Maintenance.DiskUsageCalls);
    }

    // Signs in (which registers authorization services) and then renders as an interactive circuit does.
    private Actor SignIn(string login, UserRole role)
    {
        var actor = this.SignIn(_store.AddUser(login, role));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return actor;
    }

    private static string State(IRenderedComponent<Servers> page, string containerId) =>
        page.Find($"[data-testid=container-row][data-id={containerId}] [data-testid=container-state]").TextContent.Trim();
}

/// <summary>
/// The engine's maintenance in memory: fixed disk usage and images, and per kind a plan of GoForge's items and items
/// GoForge did not create. It records every plan and prune it was asked for and removes only what a prune names.
/// </summary>
internal sealed class RecordingMaintenance : IDockerMaintenance
{
    public const string ApiImageId = "sha256:aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";

    private readonly Lock _gate = new();
    private readonly List<(PruneKind Kind, bool Everything)> _plans = [];
    private readonly List<PruneRequest> _prunes = [];
    private readonly Dictionary<PruneKind, List<PruneCandidate>> _candidates = new()
    {
        [PruneKind.DanglingImages] =
        [
            new("sha256:d1d1d1d1d1d1d1d1d1d1d1d1", "goforge/shop-api, untagged by deployment 41", 200_000_000, Managed: true),
            new("sha256:d2d2d2d2d2d2d2d2d2d2d2d2", "goforge/shop-web, untagged by deployment 12", 100_000_000, Managed: true),
            new("sha256:e1e1e1e1e1e1e1e1e1e1e1e1", "<none>, left by a manual docker build", 50_000_000, Managed: false),
        ],
        [PruneKind.StoppedContainers] =
        [
            new("0123456789abcdef0123", "goforge-shop-api-old (exited)", 1_000, Managed: true),
            new("fedcba9876543210fedc", "postgres-test (exited)", 2_000, Managed: false),
        ],
        [PruneKind.BuildCache] = [],
    };

    private int _diskUsageCalls;

    public DiskUsage Usage { get; set; } = new(
    [
        new("Images", 5, 2, 1_500_000_000, 600_000_000),
        new("Containers", 3, 2, 12_345_678, 0),
        new("Local Volumes", 2, 1, 250_000_000, 0),
        new("Build Cache", 40, 0, 2_340_000_000, 2_340_000_000),
    ]);

    public IReadOnlyList<EngineImage> Images { get; set; } =
    [
        new(ApiImageId, ["goforge/shop-api:3f2a1b0"], 123_400_000, new DateTimeOffset(2026, 11, 30, 8, 15, 0, TimeSpan.Zero), 1, Managed: true),
        new("sha256:bbbbbbbbbbbb2222", ["goforge/shop-web:latest", "goforge/shop-web:9c1d2e3"], 88_000_000, new DateTimeOffset(2026, 11, 29, 17, 0, 0, TimeSpan.Zero), 0, Managed: true),
    ];

    /// <summary>Thrown by <see cref="PlanPruneAsync"/> when set, as an unreachable engine would.</summary>
    public EngineException? PlanFailure { get; set; }

    public int DiskUsageCalls => Volatile.Read(ref _diskUsageCalls);

    public IReadOnlyList<(PruneKind Kind, bool Everything)> Plans
    {
        get
        {
            lock (_gate)
            {
                return [.. _plans];
            }
        }
    }

    public IReadOnlyList<PruneRequest> Prunes
    {
        get
        {
            lock (_gate)
            {
                return [.. _prunes];
            }
        }
    }

    /// <summary>Everything a prune of <paramref name="kind"/> could list now, GoForge's and not.</summary>
    public IReadOnlyList<PruneCandidate> CandidatesOf(PruneKind kind)
    {
        lock (_gate)
        {
            return [.. _candidates[kind]];
        }
    }

    public Task<DiskUsage> DiskUsageAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref _diskUsageCalls);
        return Task.FromResult(Usage);
    }

    public Task<IReadOnlyList<EngineImage>> ListManagedImagesAsync(CancellationToken ct = default) => Task.FromResult(Images);

    public Task<IReadOnlyList<PruneCandidate>> PlanPruneAsync(PruneKind kind, bool everything, CancellationToken ct = default)
    {
        lock (_gate)
        {
            _plans.Add((kind, everything));
            if (PlanFailure is { } failure)
            {
                return Task.FromException<IReadOnlyList<PruneCandidate>>(failure);
            }

            return Task.FromResult<IReadOnlyList<PruneCandidate>>([.. _candidates[kind].Where(c => everything || c.Managed)]);
        }
    }

    public Task<PruneOutcome> PruneAsync(PruneKind kind, bool everything, IReadOnlyList<PruneCandidate> candidates, CancellationToken ct = default)
    {
        lock (_gate)
        {
            _prunes.Add(new PruneRequest(kind, everything, [.. candidates]));
            var removed = _candidates[kind].RemoveAll(c => candidates.Any(x => x.Id == c.Id));
            return Task.FromResult(new PruneOutcome(removed, candidates.Sum(c => c.SizeBytes), []));
        }
    }
}

/// <summary>One prune the maintenance was asked for.</summary>
internal sealed record PruneRequest(PruneKind Kind, bool Everything, IReadOnlyList<PruneCandidate> Candidates);
