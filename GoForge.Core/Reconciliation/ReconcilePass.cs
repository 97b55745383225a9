using System.Collections.Concurrent;
using GoForge.Core.Containers;
using GoForge.Core.Routing;

namespace GoForge.Core.Reconciliation;

/// <summary>One pass's inputs (the database, the proxy's routes, this installation's id) and what it did so far.</summary>
internal sealed class ReconcilePass(Guid installation, ReconcileState state, ProxyRouteTable? routes)
{
    private readonly ConcurrentQueue<string> _actions = new();
    private readonly List<(string Target, EngineContainer Container, string Why)> _removals = [];
    private int _skipped;

    public Guid Installation { get; } = installation;

    public ReconcileState State { get; } = state;

    /// <summary>Null only for a proxy whose routes cannot be read (nothing to compare, so nothing is put back).</summary>
    public ProxyRouteTable? Routes { get; } = routes;

    public IReadOnlyList<string> Actions => [.. _actions];

    public int Skipped => _skipped;

    /// <summary>The containers to remove at the end of the pass, each after its workload's serving container was checked.</summary>
    public IReadOnlyList<(string Target, EngineContainer Container, string Why)> Removals => _removals;

    public void Did(string action, string target, string detail) => _actions.Enqueue($"{action} {target}: {detail}");

    public void Skip() => Interlocked.Increment(ref _skipped);

    public void Remove(string target, EngineContainer container, string why) => _removals.Add((target, container, why));
}
