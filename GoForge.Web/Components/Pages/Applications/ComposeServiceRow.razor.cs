using GoForge.Core.Compose;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Applications;

/// <summary>
/// One compose service's row, live: watches <see cref="Workload.Compose"/> through <see cref="MonitoringService.WatchAsync"/>
/// after the first render and renders pushed updates through a <see cref="RenderThrottle"/> (a state change at once,
/// stats at most once a second). No timer of its own: the monitoring service pushes.
/// </summary>
public sealed partial class ComposeServiceRow : ComponentBase, IDisposable
{
    private readonly Lock _gate = new();
    private ContainerSnapshot? _pendingContainer;
    private ContainerStatsSample? _pendingStats;
    private bool _containerChanged;
    private RenderThrottle? _throttle;
    private WorkloadWatch? _watch;
    private ContainerSnapshot? _container;
    private ContainerStatsSample? _latest;
    private bool _disposed;

    [Inject]
    public required MonitoringService Monitoring { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The compose application. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>The service as the overview read it (its container then is shown until the watch reports). Required.</summary>
    [Parameter, EditorRequired]
    public ComposeServiceView View { get; set; } = default!;

    /// <summary>Whether its stats and logs are the ones shown below the table. Default false.</summary>
    [Parameter]
    public bool Selected { get; set; }

    /// <summary>Raised with the service's name when the user picks it.</summary>
    [Parameter]
    public EventCallback<string> OnSelect { get; set; }

    protected override void OnInitialized()
    {
        _container = View.Container;
        _throttle = new RenderThrottle(() => InvokeAsync(FlushAsync), Time, RenderThrottle.DefaultInterval);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        var actor = await CurrentUser.GetActorAsync();
        var watch = await Monitoring.WatchAsync(actor, Workload.Compose(ApplicationId, View.Record.Service), OnUpdate);
        if (_disposed || !watch.IsSuccess)
        {
            // Closed meanwhile, or refused (the overview itself was allowed, so only a race with a removal): keep the read state.
            watch.Value?.Dispose();
            return;
        }

        _watch = watch.Value;
        lock (_gate)
        {
            _pendingContainer ??= _watch.Initial.Container;
            _containerChanged = true;
            _pendingStats ??= _watch.Initial.History is [.., var last] ? last : null;
        }

        _throttle!.RequestNow();
    }

    // The engine's threads: only keep the newest and ask for a render.
    private void OnUpdate(RuntimeUpdate update)
    {
        lock (_gate)
        {
            switch (update)
            {
                case RuntimeContainerChanged moved:
                    (_pendingContainer, _containerChanged, _pendingStats) = (moved.Container, true, null);
                    break;
                case RuntimeStatsArrived stats when stats.ContainerId == (_containerChanged ? _pendingContainer : _container)?.Id:
                    _pendingStats = stats.Sample;
                    break;
            }
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
            if (_disposed)
            {
                return;
            }

            lock (_gate)
            {
                if (_containerChanged)
                {
                    (_container, _latest, _containerChanged) = (_pendingContainer, null, false);
                }

                _latest = _pendingStats ?? _latest;
                _pendingStats = null;
            }

            StateHasChanged();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _throttle?.Dispose();
        _watch?.Dispose();
    }
}
