using System.Collections.Concurrent;

namespace GoForge.Core.Common.Work;

/// <summary>
/// The cancellation sources of the work running in this process, by id, so a user's cancel stops it within seconds.
/// Each queue derives its own type.
/// </summary>
public abstract class RunningWork
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public CancellationTokenSource Register(Guid id, CancellationToken outer)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _running[id] = source;
        return source;
    }

    public void Unregister(Guid id) => _running.TryRemove(id, out _);

    /// <summary>True when the work runs in this process and was told to stop.</summary>
    public bool Cancel(Guid id)
    {
        if (!_running.TryGetValue(id, out var source))
        {
            return false;
        }

        source.Cancel();
        return true;
    }
}
