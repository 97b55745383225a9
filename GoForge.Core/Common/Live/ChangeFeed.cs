using System.Collections.Concurrent;
using System.Threading.Channels;

namespace GoForge.Core.Common.Live;

/// <summary>
/// The one in-process source of pushed changes for live viewers (Blazor circuits): deployments, webhook deliveries,
/// services. Publishers call <see cref="Publish"/> after the change is stored; a subscriber names the key it watches
/// (an application, an environment) and gets that key's changes in publish order, on a thread-pool thread, one at a
/// time. Each subscription has its own bounded queue drained on demand (no task parked per viewer), so
/// <see cref="Publish"/> never blocks and never runs a handler itself, a slow or failing viewer delays only itself,
/// and a viewer more than <see cref="Capacity"/> changes behind loses the oldest ones (pages re-read the database
/// on a change, so the newest is what counts). Whoever hands out a subscription checks the viewer's access first.
/// </summary>
/// <typeparam name="TChange">What changed; its <see cref="IFeedChange.FeedKey"/> says which key it belongs to.</typeparam>
public sealed class ChangeFeed<TChange>
    where TChange : class, IFeedChange
{
    /// <summary>Changes kept for one subscriber that has not caught up yet.</summary>
    public const int DefaultCapacity = 256;

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> _byKey = new();

    public ChangeFeed()
        : this(DefaultCapacity)
    {
    }

    /// <param name="capacity">Changes kept per subscriber before the oldest are dropped.</param>
    public ChangeFeed(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Number of live subscriptions (for tests and diagnostics).</summary>
    public int SubscriberCount => _byKey.Values.Sum(s => s.Count);

    /// <summary>Calls <paramref name="handler"/> for every change of <paramref name="key"/>, in order, until the result is disposed.</summary>
    public IDisposable Subscribe(Guid key, Action<TChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, key, handler, Capacity);
        _byKey.GetOrAdd(key, _ => new ConcurrentDictionary<Subscription, byte>())[subscription] = 0;
        return subscription;
    }

    /// <summary>Queues the change for every subscriber of its key and returns at once.</summary>
    public void Publish(TChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!_byKey.TryGetValue(change.FeedKey, out var subscribers))
        {
            return;
        }

        foreach (var subscriber in subscribers.Keys)
        {
            subscriber.Post(change);
        }
    }

    private void Remove(Subscription subscription)
    {
        if (_byKey.TryGetValue(subscription.Key, out var subscribers))
        {
            subscribers.TryRemove(subscription, out _);
        }
    }

    private sealed class Subscription : IDisposable, IThreadPoolWorkItem
    {
        private readonly ChangeFeed<TChange> _feed;
        private readonly Action<TChange> _handler;
        private readonly Channel<TChange> _queue;
        private int _draining;
        private volatile bool _disposed;

        public Subscription(ChangeFeed<TChange> feed, Guid key, Action<TChange> handler, int capacity)
        {
            (_feed, Key, _handler) = (feed, key, handler);
            _queue = Channel.CreateBounded<TChange>(new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            });
        }

        public Guid Key { get; }

        public void Post(TChange change)
        {
            if (_disposed)
            {
                return;
            }

            _queue.Writer.TryWrite(change);
            ScheduleDrain();
        }

        // One drain at a time per subscriber keeps its changes in order; none runs while nothing is queued.
        private void ScheduleDrain()
        {
            if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        public void Execute()
        {
            while (!_disposed && _queue.Reader.TryRead(out var change))
            {
                try
                {
                    _handler(change);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A viewer's failure is its own; the publisher and the other viewers go on.
                }
            }

            Volatile.Write(ref _draining, 0);

            // A change posted after the last TryRead but before the flag cleared found a drain running: take it now.
            if (!_disposed && _queue.Reader.TryPeek(out _))
            {
                ScheduleDrain();
            }
        }

        public void Dispose()
        {
            _disposed = true;
            _feed.Remove(this);
        }
    }
}
