using GoForge.Core.Common;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Servers;

/// <summary>
/// The admin Docker page: the overview from <see cref="DockerAdminService"/>, kept live by applying the
/// <see cref="ContainerStateTracker"/>'s changes to the containers table (coalesced), and the two-step prunes.
/// </summary>
public sealed partial class Servers : ComponentBase, IDisposable
{
    private static readonly PruneKind[] PruneKinds = Enum.GetValues<PruneKind>();

    [Inject]
    public required DockerAdminService Docker { get; init; }

    [Inject]
    public required DashboardService Dashboard { get; init; }

    [Inject]
    public required ContainerStateTracker Tracker { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    // Changes pushed by the tracker since the last render, newest per container; touched by its thread, hence the lock.
    private readonly Lock _gate = new();
    private Dictionary<string, ContainerSnapshot> _arrived = new(StringComparer.Ordinal);
    private bool? _arrivedConnected;

    private readonly Dictionary<string, ContainerSnapshot> _containers = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<Guid, string> _applicationNames = new Dictionary<Guid, string>();
    private RenderCoalescer? _coalescer;
    private IDisposable? _subscription;
    private DockerOverview? _overview;
    private Error? _error;
    private bool _loading = true;
    private bool _live;

    private bool CanPrune => !_loading && _overview?.Engine.Reachable == true;

    private IReadOnlyList<ContainerSnapshot> Containers =>
    [
        .. _containers.Values
            .OrderBy(c => c.ApplicationId is { } id ? _applicationNames.GetValueOrDefault(id) : null, StringComparer.OrdinalIgnoreCase)
            .ThenBy(c => c.Name, StringComparer.Ordinal),
    ];

    protected override async Task OnInitializedAsync()
    {
        // `docker system df` can take seconds on a full engine: ask once, when interactive, not also for the prerender.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        _coalescer = new RenderCoalescer(() => InvokeAsync(FlushAsync), Time, RenderCoalescer.DefaultInterval);

        // Subscribe before reading: a change landing in between is applied on top, and the newest per container wins.
        _subscription = Tracker.Subscribe(OnChange);
        _live = Tracker.EngineConnected;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        var actor = await CurrentUser.GetActorAsync();
        var overview = await Docker.GetOverviewAsync(actor);
        if (!overview.IsSuccess)
        {
            _error = overview.Error;
            _subscription?.Dispose();
            _subscription = null;
            _loading = false;
            return;
        }

        _overview = overview.Value;
        _containers.Clear();
        foreach (var container in _overview.Containers)
        {
            _containers[container.Id] = container;
        }

        MergeArrived();

        // The overview has no application names; the admin's dashboard list has every application.
        var applications = await Dashboard.GetAsync(actor);
        if (applications.IsSuccess)
        {
            _applicationNames = applications.Value.Applications.ToDictionary(a => a.Id, a => a.Name);
        }

        _loading = false;
    }

    // Runs on the tracker's thread: only buffer and ask for a render.
    private void OnChange(ContainerStateChange change)
    {
        lock (_gate)
        {
            if (change.Container is { } container)
            {
                _arrived[container.Id] = container;
            }

            _arrivedConnected = change.EngineConnected;
        }

        _coalescer?.Schedule();
    }

    private async Task FlushAsync()
    {
        try
        {
            // Until the overview is in, arrivals wait in the buffer (LoadAsync merges them).
            if (_overview is not null && MergeArrived())
            {
                StateHasChanged();
            }
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    /// <summary>Applies buffered changes to the table; true when anything changed.</summary>
    private bool MergeArrived()
    {
        Dictionary<string, ContainerSnapshot> arrived;
        bool? connected;
        lock (_gate)
        {
            (arrived, _arrived) = (_arrived, new Dictionary<string, ContainerSnapshot>(StringComparer.Ordinal));
            (connected, _arrivedConnected) = (_arrivedConnected, null);
        }

        var changed = false;
        if (connected is { } live && live != _live)
        {
            _live = live;
            changed = true;
        }

        foreach (var container in arrived.Values)
        {
            if (container.State == ContainerRunState.Removed)
            {
                changed |= _containers.Remove(container.Id);
            }
            else if (_containers.GetValueOrDefault(container.Id) != container)
            {
                _containers[container.Id] = container;
                changed = true;
            }
        }

        return changed;
    }

    private async Task PruneAsync(PruneKind kind)
    {
        var parameters = new DialogParameters<DockerPruneDialog> { { d => d.Kind, kind } };
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, CloseOnEscapeKey = true };
        var dialog = await Dialogs.ShowAsync<DockerPruneDialog>($"Clean up: {DockerWording.Title(kind).ToLowerInvariant()}", parameters, options);
        if (await dialog.Result is { Canceled: false, Data: PruneOutcome outcome })
        {
            Snackbar.Add(Describe(outcome), outcome.Skipped.Count == 0 ? Severity.Success : Severity.Info);
            await LoadAsync();
        }
    }

    private static string Describe(PruneOutcome outcome)
    {
        var text = $"Removed {Wording.Count(outcome.Removed, "item")}, {DockerWording.Bytes(outcome.ReclaimedBytes)} reclaimed.";
        return outcome.Skipped.Count == 0
            ? text
            : $"{text} {Wording.Count(outcome.Skipped.Count, "item")} left because {(outcome.Skipped.Count == 1 ? "it" : "they")} changed since the list was made.";
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _coalescer?.Dispose();
    }
}
