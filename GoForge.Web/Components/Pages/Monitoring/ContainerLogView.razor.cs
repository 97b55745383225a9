using GoForge.Core.Common;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace GoForge.Web.Components.Pages.Monitoring;

/// <summary>
/// The application's container log: the last <see cref="Tail"/> lines, then every new one, across restarts and
/// redeploys (<see cref="MonitoringService.FollowLogsAsync"/>). A background task reads the stream with its own
/// <see cref="CancellationTokenSource"/> and buffers lines; a <see cref="RenderCoalescer"/> renders them in ~100 ms
/// batches. The newest <see cref="MaxLines"/> are kept. Disposing cancels the reader and waits for it.
/// </summary>
public sealed partial class ContainerLogView : ComponentBase, IAsyncDisposable
{
    /// <summary>Lines kept in the view (and searched); older ones drop off, the download has more.</summary>
    public const int MaxLines = 5000;

    /// <summary>How long lines gather before a render: a burst reads as a block, not a flicker.</summary>
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);

    // Lines read by the worker, waiting for the next batch; the worker's thread and the circuit's meet here.
    private readonly Lock _gate = new();
    private List<WorkloadLogEntry> _arrived = [];

    private readonly CancellationTokenSource _cts = new();
    private readonly ContainerLogBuffer _buffer = new(MaxLines);
    private RenderCoalescer? _coalescer;
    private Task? _worker;
    private LogScroller? _scroller;
    private ElementReference _view;
    private Error? _error;
    private string? _filter;
    private bool _started;
    private bool _timestamps = true;
    private bool _autoScroll = true;
    private bool _scroll;

    [Inject]
    public required MonitoringService Monitoring { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

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

    /// <summary>Lines read when the view opens, before following. Default null: <c>GoForge:Monitoring:LogTail</c> (200).</summary>
    [Parameter]
    public int? Tail { get; set; }

    private string DownloadHref => $"/{Target.Segment}/{Target.Id}/logs/download" + (ComposeService is { } name ? "?service=" + Uri.EscapeDataString(name) : "");

    private IEnumerable<ContainerLogBuffer.Line> Visible => _buffer.Visible(_filter);

    private string CountText => string.IsNullOrEmpty(_filter)
        ? Wording.Count(_buffer.Count, "line")
        : $"{Visible.Count()} of {Wording.Count(_buffer.Count, "line")}";

    protected override void OnInitialized()
    {
        _coalescer = new RenderCoalescer(() => InvokeAsync(FlushAsync), Time, BatchInterval);
        _scroller = new LogScroller(JS);
    }

    // After the first render, as the runtime card: prerendering never opens (and at once closes) an engine log reader.
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await StartAsync();
        }

        if (_scroll)
        {
            _scroll = false;
            await _scroller!.ScrollToEndAsync(_view);
        }
    }

    private async Task StartAsync()
    {
        // Taken before any await: DisposeAsync may cancel and dispose the source meanwhile.
        var token = _cts.Token;
        Result<IAsyncEnumerable<WorkloadLogEntry>> followed;
        try
        {
            var actor = await CurrentUser.GetActorAsync();
            followed = await Monitoring.FollowLogsAsync(actor, Target, Tail, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }

        if (token.IsCancellationRequested)
        {
            return; // the tab closed meanwhile: start nothing
        }

        if (followed.IsSuccess)
        {
            _worker = Task.Run(() => ReadAsync(followed.Value, token));
        }
        else
        {
            _error = followed.Error;
        }

        _started = true;
        StateHasChanged();
    }

    // The worker: off the circuit's thread, only buffers and asks for a batch.
    private async Task ReadAsync(IAsyncEnumerable<WorkloadLogEntry> entries, CancellationToken ct)
    {
        try
        {
            await foreach (var entry in entries.WithCancellation(ct))
            {
                lock (_gate)
                {
                    _arrived.Add(entry);
                    if (_arrived.Count > MaxLines)
                    {
                        _arrived.RemoveRange(0, _arrived.Count - MaxLines);
                    }
                }

                _coalescer?.Schedule();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception e)
        {
            await InvokeAsync(() => DispatchExceptionAsync(e));
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            List<WorkloadLogEntry> arrived;
            lock (_gate)
            {
                (arrived, _arrived) = (_arrived, []);
            }

            if (arrived.Count == 0 || _cts.IsCancellationRequested)
            {
                return;
            }

            // Paused: the lines are kept and counted, but the view stays where it was.
            _buffer.Add(arrived);
            _scroll = _autoScroll && !_buffer.Paused;
            StateHasChanged();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    private void TogglePause()
    {
        if (_buffer.Paused)
        {
            _buffer.Resume();
            _scroll = _autoScroll;
        }
        else
        {
            _buffer.Pause();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _coalescer?.Dispose();
        if (_worker is not null)
        {
            await _worker;
        }

        _cts.Dispose();
        if (_scroller is not null)
        {
            await _scroller.DisposeAsync();
        }
    }
}
