using System.Collections.Concurrent;

namespace GoForge.Core.Common.Work;

/// <summary>
/// The cancellation sources of the work running in this process, by id, so a user's cancel stops it within seconds.
/// Each queue derives its own type. Work may name its owner (an application for a deployment), so others can ask
/// whether anything of that owner is in flight here (<see cref="IsRunningFor"/>).
/// </summary>
public abstract class RunningWork
{
    private readonly ConcurrentDictionary<Guid, (CancellationTokenSource Source, Guid? Owner)> _running = new();

    public CancellationTokenSource Register(Guid id, CancellationToken outer, Guid? owner = null)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _running[id] = (source, owner);
        return source;
    }

    public void Unregister(Guid id) => _running.TryRemove(id, out _);

    /// <summary>True when the work runs in this process and was told to stop.</summary>
    public bool Cancel(Guid id)
    {
        if (!_running.TryGetValue(id, out var work))
        {
            return false;
        }

        work.Source.Cancel();
        return true;
    }

    /// <summary>True while work registered for <paramref name="owner"/> runs in this process.</summary>
    public bool IsRunningFor(Guid owner) => _running.Values.Any(w => w.Owner == owner);
}
