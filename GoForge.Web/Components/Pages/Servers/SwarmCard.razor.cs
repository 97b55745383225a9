using System.Globalization;
using GoForge.Core.Common;
using GoForge.Core.Servers;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Servers;

/// <summary>The Servers page's Swarm card: turn the engine into a manager, the join commands, the nodes and their actions, all through <see cref="SwarmService"/>.</summary>
public sealed partial class SwarmCard : ComponentBase
{
    [Inject]
    public required SwarmService Swarm { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private SwarmStatus? _status;
    private SwarmJoin? _join;
    private IReadOnlyList<ClusterNode> _nodes = [];
    private ClusterNode? _editing;
    private string? _advertiseAddress;
    private string? _addressError;
    private string? _labelsText;
    private string? _labelsError;
    private string? _error;
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        if (RendererInfo.IsInteractive)
        {
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        var actor = await CurrentUser.GetActorAsync();
        var status = await Swarm.StatusAsync(actor);
        _status = status.Value;
        _error = status.Error?.Message;
        _nodes = [];
        if (_status is { State: SwarmState.Active, IsManager: true })
        {
            var nodes = await Swarm.NodesAsync(actor);
            _nodes = nodes.Value ?? [];
            _error = nodes.Error?.Message;
        }
    }

    private async Task InitAsync()
    {
        await RunAsync(async actor =>
        {
            var done = await Swarm.InitAsync(actor, _advertiseAddress);
            _addressError = done.Error is { Kind: ErrorKind.Validation } invalid ? invalid.Message : null;
            return done.Error is { Kind: not ErrorKind.Validation } ? done.Error : null;
        }, "This engine is now a Swarm manager.");
    }

    private Task ShowJoinAsync() => RunAsync(async actor =>
    {
        var join = await Swarm.JoinAsync(actor);
        _join = join.Value;
        return join.Error;
    }, null);

    private Task SetAvailabilityAsync(ClusterNode node, ClusterNodeAvailability availability) =>
        RunAsync(async actor => (await Swarm.SetAvailabilityAsync(actor, node.Id, availability)).Error,
            availability == ClusterNodeAvailability.Drain ? $"{node.Hostname} is drained: its tasks move to the other nodes." : $"{node.Hostname} takes tasks again.");

    private void EditLabels(ClusterNode node)
    {
        _editing = node;
        _labelsError = null;
        _labelsText = string.Join('\n', node.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
    }

    private async Task SaveLabelsAsync()
    {
        if (_editing is not { } node)
        {
            return;
        }

        var labels = ParseLabels(_labelsText, out var problem);
        if (labels is null)
        {
            _labelsError = problem;
            return;
        }

        await RunAsync(async actor =>
        {
            var saved = await Swarm.SetLabelsAsync(actor, node.Id, labels);
            _labelsError = saved.Error is { Kind: ErrorKind.Validation } invalid ? string.Join(' ', invalid.FieldErrors.Values.SelectMany(v => v)) : null;
            if (saved.IsSuccess)
            {
                _editing = null;
            }

            return saved.Error is { Kind: not ErrorKind.Validation } ? saved.Error : null;
        }, $"The labels of {node.Hostname} are saved.");
    }

    private Task RemoveAsync(ClusterNode node) =>
        RunAsync(async actor => (await Swarm.RemoveNodeAsync(actor, node.Id)).Error, $"{node.Hostname} is removed from the Swarm.");

    /// <summary>One <c>key=value</c> per line; blank lines skipped. Null, with the reason, for a line without '=' or a key given twice.</summary>
    internal static Dictionary<string, string>? ParseLabels(string? text, out string? problem)
    {
        problem = null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = $"'{line}' is not key=value.";
                return null;
            }

            if (!labels.TryAdd(line[..equals].Trim(), line[(equals + 1)..].Trim()))
            {
                problem = $"The key '{line[..equals].Trim()}' is given twice.";
                return null;
            }
        }

        return labels;
    }

    private async Task RunAsync(Func<Core.Identity.Actor, Task<Error?>> action, string? success)
    {
        _busy = true;
        try
        {
            var actor = await CurrentUser.GetActorAsync();
            var error = await action(actor);
            if (error is not null)
            {
                Snackbar.Add(error.Message, Severity.Error);
            }
            else if (success is not null && _addressError is null && _labelsError is null)
            {
                Snackbar.Add(success, Severity.Success);
            }

            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private static string StateText(SwarmStatus status) => status switch
    {
        { State: SwarmState.Inactive } => "off",
        { State: SwarmState.Active, IsManager: true } => "manager",
        { State: SwarmState.Active } => "worker",
        _ => status.State.ToString().ToLowerInvariant(),
    };

    private static string Resources(ClusterNode node) =>
        string.Create(CultureInfo.InvariantCulture, $"{node.NanoCpus / 1e9:0.#} CPU, {node.MemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB");
}
