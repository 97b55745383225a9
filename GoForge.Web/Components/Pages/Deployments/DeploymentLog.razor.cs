using GoForge.Core.Compose;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace GoForge.Web.Components.Pages.Deployments;

public sealed partial class DeploymentLog : ComponentBase, IAsyncDisposable
{
    private const int PageSize = 5000;

    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    /// <summary>The deployment whose log is shown. Required.</summary>
    [Parameter, EditorRequired]
    public Guid DeploymentId { get; set; }

    /// <summary>Its application (the feed is per application). Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    // Lines pushed by the feed, waiting for the next coalesced render; touched by publisher threads, hence the lock.
    private readonly Lock _gate = new();
    private List<DeploymentLogLine> _arrived = [];

    private readonly List<DeploymentLogLine> _lines = [];
    private RenderCoalescer? _coalescer;
    private IDisposable? _subscription;
    private Actor? _actor;
    private IJSObjectReference? _module;
    private ElementReference _view;
    private Error? _error;
    private string? _filter;
    private string? _service;
    private int _lastLineNo;
    private bool _loaded;
    private bool _follow = true;
    private bool _scroll;

    // A compose deployment's service picked above the log (its "[service] " lines), then the search.
    private IEnumerable<DeploymentLogLine> Visible => (_service is null ? _lines : _lines.Where(l => ComposeLogPrefix.ServiceOf(l.Text) == _service))
        .Where(l => string.IsNullOrEmpty(_filter) || l.Text.Contains(_filter, StringComparison.OrdinalIgnoreCase));

    protected override async Task OnInitializedAsync()
    {
        _coalescer = new RenderCoalescer(() => InvokeAsync(FlushAsync), Time, RenderCoalescer.DefaultInterval);
        var actor = await CurrentUser.GetActorAsync();

        // Subscribe before reading what is stored: lines written in between arrive twice, and LineNo drops the copies.
        var watch = await Deployments.WatchAsync(actor, ApplicationId, OnUpdate);
        if (!watch.IsSuccess)
        {
            _error = watch.Error;
            return;
        }

        _subscription = watch.Value;
        _actor = actor;
        if (!await ReadStoredAsync())
        {
            return;
        }

        _loaded = true;
        await MergeArrivedAsync();
        _scroll = true;
    }

    /// <summary>Appends the stored lines after the last one shown; false (with <see cref="_error"/>) when refused.</summary>
    private async Task<bool> ReadStoredAsync()
    {
        while (true)
        {
            var page = await Deployments.LogAsync(_actor!, DeploymentId, _lastLineNo, PageSize);
            if (!page.IsSuccess)
            {
                _error = page.Error;
                return false;
            }

            _lines.AddRange(page.Value);
            _lastLineNo = _lines.Count > 0 ? _lines[^1].LineNo : 0;
            if (page.Value.Count < PageSize)
            {
                return true;
            }
        }
    }

    // Runs on the publisher's thread: only buffer and ask for a render; the coalescer limits renders to ~4 a second.
    private void OnUpdate(DeploymentUpdate update)
    {
        if (update is DeploymentLogAppended appended && appended.DeploymentId == DeploymentId)
        {
            lock (_gate)
            {
                _arrived.AddRange(appended.Lines);
            }

            _coalescer?.Schedule();
        }
    }

    private async Task FlushAsync()
    {
        try
        {
            // Until the stored lines are in, arrivals wait in the buffer (OnInitializedAsync merges them).
            if (_loaded && await MergeArrivedAsync())
            {
                _scroll = _follow;
                StateHasChanged();
            }
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    /// <summary>
    /// Moves buffered lines into the log in order, dropping any already shown; true when some were new. Lines missing
    /// before them (the feed drops the oldest changes of a viewer that fell far behind) are read from the store first.
    /// </summary>
    private async Task<bool> MergeArrivedAsync()
    {
        List<DeploymentLogLine> arrived;
        lock (_gate)
        {
            (arrived, _arrived) = (_arrived, []);
        }

        var shown = _lastLineNo;
        if (arrived.Count > 0 && arrived.Min(l => l.LineNo) > _lastLineNo + 1 && !await ReadStoredAsync())
        {
            return true;
        }

        var added = _lastLineNo > shown;
        foreach (var line in arrived.OrderBy(l => l.LineNo))
        {
            if (line.LineNo > _lastLineNo)
            {
                _lines.Add(line);
                _lastLineNo = line.LineNo;
                added = true;
            }
        }

        return added;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_scroll)
        {
            return;
        }

        _scroll = false;
        try
        {
            _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Deployments/DeploymentLog.razor.js");
            if (_module is not null)
            {
                await _module.InvokeVoidAsync("scrollToEnd", _view);
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; nothing to scroll.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _coalescer?.Dispose();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone with the module.
            }
        }
    }
}
