using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Core.Servers;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Dashboard;

/// <summary>
/// The dashboard: the actor's applications by health, recent deployments, the host's figures and the engine. Live:
/// every container change asks for a re-read of the summary, coalesced to at most one a second; host samples arrive
/// from <see cref="HostMonitor"/> (its timer, not ours) every two seconds.
/// </summary>
public sealed partial class Dashboard : ComponentBase, IDisposable
{
    /// <summary>At most one re-read of the summary per interval, however many containers change.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    [Inject]
    public required IEngineStatusProbe Engine { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required DashboardService Summaries { get; init; }

    [Inject]
    public required ContainerStateTracker Tracker { get; init; }

    [Inject]
    public required HostMonitor Host { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    private string? _name;
    private bool _isAdmin;
    private EngineStatus? _engine;
    private Actor? _actor;
    private DashboardSummary? _summary;
    private Error? _summaryError;
    private HostSample? _host;
    private RenderCoalescer? _coalescer;
    private SerialRefresh? _refresh;
    private IDisposable? _containerChanges;
    private IDisposable? _hostSamples;

    private bool HasApplications => _summary is { Applications.Count: > 0 };

    private string Subtitle => _summary switch
    {
        { Applications.Count: > 0 } s when s.Counts.GetValueOrDefault(ApplicationHealth.Unhealthy) is > 0 and var unhealthy =>
            $"{Wording.Count(s.Applications.Count, "application")}; {Wording.Count(unhealthy, "needs", "need")} attention.",
        { Applications.Count: > 0 } s => $"{Wording.Count(s.Applications.Count, "application")}, none needs attention.",
        _ => "Nothing is deployed yet. Here is where to start.",
    };

    private string EngineDetail => _engine switch
    {
        null => "Checking the engine…",
        { Reachable: true } => $"Docker {_engine.Version} answers at {_engine.Endpoint}.",
        _ => $"Not reachable at {_engine.Endpoint}: {_engine.Error}",
    };

    protected override async Task OnInitializedAsync()
    {
        var principal = await CurrentUser.GetPrincipalAsync();
        _name = principal.FindFirst(GoForgeClaims.DisplayName)?.Value ?? principal.Identity?.Name;
        _isAdmin = principal.IsInRole(GoForgeClaims.AdminRole);
        _actor = principal.ToActor();
        if (Host.Latest.Time != DateTimeOffset.MinValue)
        {
            _host = Host.Latest;
        }

        // The engine probe can take seconds; the summary does not wait for it.
        var engine = Engine.GetStatusAsync();
        if (_actor is not null)
        {
            _refresh = new SerialRefresh(LoadSummaryAsync);
            _coalescer = new RenderCoalescer(() => InvokeAsync(RefreshAsync), Time, RefreshInterval);

            // Subscribed before the first read: a change in between causes one more read, never a missed one.
            _containerChanges = Tracker.Subscribe(_ => _coalescer.Schedule());
            await LoadSummaryAsync();
        }

        _engine = await engine;
    }

    // Only once interactive: a prerender would start the host sampler for a page that is thrown away at once.
    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _hostSamples = Host.Subscribe(sample => _ = InvokeAsync(() => ShowHostAsync(sample)));
        }
    }

    private async Task LoadSummaryAsync()
    {
        var summary = await Summaries.GetAsync(_actor!);
        _summaryError = summary.Error;
        if (summary.IsSuccess)
        {
            _summary = summary.Value;
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            await _refresh!.RunAsync();
            StateHasChanged();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    private async Task ShowHostAsync(HostSample sample)
    {
        try
        {
            _host = sample;
            StateHasChanged();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    public void Dispose()
    {
        _containerChanges?.Dispose();
        _hostSamples?.Dispose();
        _coalescer?.Dispose();
    }
}
