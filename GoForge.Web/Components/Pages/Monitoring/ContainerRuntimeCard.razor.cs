using GoForge.Core.Common;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Monitoring;

/// <summary>
/// The application's container, live: subscribes through <see cref="MonitoringService.WatchAsync"/> after the first
/// render (never while prerendering), keeps the container's points of the last 15 minutes, and renders pushed
/// updates through a <see cref="RenderThrottle"/>: stats at most once a second, a state change at once (never behind
/// the stats' throttle window).
/// The parent gives it an <c>@key</c> of the application id, so another application means another instance.
/// </summary>
public sealed partial class ContainerRuntimeCard : ComponentBase, IDisposable
{
    /// <summary>Points kept for the charts: 15 minutes at one a second.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    // A cap in case the engine sends faster than once a second; the window trims first in the usual case.
    private const int MaxPoints = 1800;

    private static readonly StatsLine[] CpuLines = [new("CPU", s => s.CpuPercent, "gf-series-a")];
    private static readonly StatsLine[] MemoryLines = [new("Used", s => s.MemoryUsedBytes, "gf-series-a")];
    private static readonly StatsLine[] NetworkLines = [new("rx", s => s.NetworkRxPerSecond, "gf-series-a"), new("tx", s => s.NetworkTxPerSecond, "gf-series-b")];
    private static readonly StatsLine[] BlockLines = [new("read", s => s.BlockReadPerSecond, "gf-series-a"), new("write", s => s.BlockWritePerSecond, "gf-series-b")];

    // Updates pushed on the engine's threads, waiting for the next throttled render; hence the lock.
    private readonly Lock _gate = new();
    private List<RuntimeUpdate> _pending = [];

    private readonly List<ContainerStatsSample> _samples = [];
    private RenderThrottle? _throttle;
    private WorkloadWatch? _watch;
    private ContainerSnapshot? _container;
    private Error? _error;
    private bool _engineConnected = true;
    private bool _loaded;
    private bool _disposed;

    [Inject]
    public required MonitoringService Monitoring { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The application whose container is shown; give the component an <c>@key</c> of the same id. Set this or <see cref="ServiceId"/>.</summary>
    [Parameter]
    public Guid ApplicationId { get; set; }

    /// <summary>The catalog service whose container is shown, instead of an application; give the component an <c>@key</c> of the same id.</summary>
    [Parameter]
    public Guid ServiceId { get; set; }

    /// <summary>One service of the compose application <see cref="ApplicationId"/> (its <c>goforge.compose-service</c> label); default null: the application's own container.</summary>
    [Parameter]
    public string? ComposeService { get; set; }

    private Workload Target => ServiceId != Guid.Empty ? Workload.Service(ServiceId)
        : ComposeService is { } service ? Workload.Compose(ApplicationId, service) : Workload.Application(ApplicationId);

    private ContainerStatsSample? Newest => _samples.Count > 0 ? _samples[^1] : null;

    protected override void OnInitialized() =>
        _throttle = new RenderThrottle(() => InvokeAsync(FlushAsync), Time, RenderThrottle.DefaultInterval);

    // After the first render rather than in OnInitializedAsync: prerendering never gets here, so the static pass
    // neither opens nor at once closes a stats subscription, and the page paints before the authorization read.
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        var actor = await CurrentUser.GetActorAsync();
        var watch = await Monitoring.WatchAsync(actor, Target, OnUpdate);
        if (_disposed)
        {
            // The tab closed while the watch was being set up.
            watch.Value?.Dispose();
            return;
        }

        if (!watch.IsSuccess)
        {
            _error = watch.Error;
            StateHasChanged();
            return;
        }

        // The watch subscribed before it read Initial: updates pushed meanwhile wait in _pending and are applied
        // after it, in order (stats by time, so none is drawn twice); the last of them is always the newest state.
        _watch = watch.Value;
        _container = _watch.Initial.Container;
        _engineConnected = _watch.Initial.EngineConnected;
        _samples.AddRange(_watch.Initial.History);
        _loaded = true;
        ApplyPending();
        StateHasChanged();
    }

    // Runs on the engine's threads: only queue and ask for a render. A state change renders at once (with any stats
    // queued before it); only stats wait for the throttle.
    private void OnUpdate(RuntimeUpdate update)
    {
        lock (_gate)
        {
            _pending.Add(update);
        }

        if (update is RuntimeContainerChanged)
        {
            _throttle?.RequestNow();
        }
        else
        {
            _throttle?.Request();
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            // Until Initial is in, updates wait (OnAfterRenderAsync applies them after it).
            if (_loaded && !_disposed && ApplyPending())
            {
                StateHasChanged();
            }
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    /// <summary>Applies queued updates in arrival order; true when something shown changed.</summary>
    private bool ApplyPending()
    {
        List<RuntimeUpdate> pending;
        lock (_gate)
        {
            (pending, _pending) = (_pending, []);
        }

        var changed = false;
        foreach (var update in pending)
        {
            switch (update)
            {
                case RuntimeContainerChanged moved:
                    if (moved.Container?.Id != _container?.Id)
                    {
                        // A redeploy: the charts start over with the new container.
                        _samples.Clear();
                    }

                    (_container, _engineConnected, changed) = (moved.Container, moved.EngineConnected, true);
                    break;
                case RuntimeStatsArrived stats when stats.ContainerId == _container?.Id && (Newest is null || stats.Sample.Time > Newest.Time):
                    _samples.Add(stats.Sample);
                    changed = true;
                    break;
            }
        }

        if (_samples.Count > 0)
        {
            var from = _samples[^1].Time - Window;
            var old = _samples.FindIndex(s => s.Time >= from);
            _samples.RemoveRange(0, Math.Max(old, _samples.Count - MaxPoints));
        }

        return changed;
    }

    public void Dispose()
    {
        _disposed = true;
        _throttle?.Dispose();
        _watch?.Dispose();
    }
}
