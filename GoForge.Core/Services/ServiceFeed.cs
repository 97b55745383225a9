namespace GoForge.Core.Services;

/// <summary>A service's new recorded state (each step of create, start, stop, version change), or its removal.</summary>
public sealed record ServiceChange(ServiceInstance Instance, bool Deleted = false);

/// <summary>
/// Tells open pages (an environment's service list, a service page, a create dialog) that a service of their
/// environment changed, as <see cref="ServiceInstanceService"/> records it. Handlers run on the publisher's thread.
/// </summary>
public sealed class ServiceFeed
{
    private readonly Lock _gate = new();
    private readonly List<(Guid EnvironmentId, Action<ServiceChange> Handler)> _subscribers = [];

    /// <summary>Calls <paramref name="handler"/> for each change of a service in <paramref name="environmentId"/> until disposed.</summary>
    public IDisposable Subscribe(Guid environmentId, Action<ServiceChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var entry = (environmentId, handler);
        lock (_gate)
        {
            _subscribers.Add(entry);
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _subscribers.Remove(entry);
            }
        });
    }

    public void Publish(ServiceChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Action<ServiceChange>[] handlers;
        lock (_gate)
        {
            handlers = _subscribers.Where(s => s.EnvironmentId == change.Instance.EnvironmentId).Select(s => s.Handler).ToArray();
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(change);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A viewer's failure is its own; the action and the other viewers go on.
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
