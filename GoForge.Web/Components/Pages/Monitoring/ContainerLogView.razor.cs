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
    private List<ApplicationLogEntry> _arrived = [];

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

    /// <summary>The application whose container log is shown. Required; give the component an <c>@key</c> of the same id.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>Lines read when the view opens, before following. Default null: <c>GoForge:Monitoring:LogTail</c> (200).</summary>
    [Parameter]
    public int? Tail { get; set; }

    private string DownloadHref => $"/applications/{ApplicationId}/logs/download";

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
        Result<IAsyncEnumerable<ApplicationLogEntry>> followed;
        try
        {
            var actor = await CurrentUser.GetActorAsync();
            followed = await Monitoring.FollowLogsAsync(actor, ApplicationId, Tail, token);
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
    private async Task ReadAsync(IAsyncEnumerable<ApplicationLogEntry> entries, CancellationToken ct)
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
            List<ApplicationLogEntry> arrived;
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
