using System.Collections.Concurrent;
using GoForge.Core.Containers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Monitoring;

/// <summary>
/// One stats stream per container, shared by every viewer. A stream is open while the container is pinned (a
/// running GoForge container, when <see cref="MonitoringOptions.AlwaysCollect"/>) or has subscribers, and closes
/// <see cref="MonitoringOptions.Linger"/> after the last of them goes. Each stream keeps its last
/// <see cref="MonitoringOptions.HistoryPoints"/> points in a ring for the charts. Handlers run on the stream's task
/// and must hand off quickly (a component calls <c>InvokeAsync</c>); a failing handler affects nobody else.
/// </summary>
public sealed partial class ContainerStatsHub(
    IContainerStatsSource source,
    IOptions<MonitoringOptions> options,
    TimeProvider time,
    ILogger<ContainerStatsHub> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Streams open now (for the benchmark and diagnostics).</summary>
    public int OpenStreams => _feeds.Values.Count(f => f.IsPumping);

    /// <summary>Live subscriptions over all containers.</summary>
    public int SubscriberCount => _feeds.Values.Sum(f => f.Handlers.Count);

    /// <summary>Calls <paramref name="handler"/> with every new point of the container's stats until the result is disposed.</summary>
    public IDisposable Subscribe(string containerId, Action<ContainerStatsSample> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, containerId, handler);
        lock (_gate)
        {
            var feed = FeedFor(containerId);
            feed.Handlers[subscription] = 0;
            Wake(feed);
        }

        return subscription;
    }

    /// <summary>Keeps the container's stream open without a viewer (its history fills while nobody looks). Idempotent.</summary>
    public void Pin(string containerId)
    {
        lock (_gate)
        {
            var feed = FeedFor(containerId);
            feed.Pinned = true;
            Wake(feed);
        }
    }

    /// <summary>Lets the stream close when nobody watches. Idempotent; an unknown container is ignored.</summary>
    public void Unpin(string containerId)
    {
        lock (_gate)
        {
            if (_feeds.TryGetValue(containerId, out var feed))
            {
                feed.Pinned = false;
                ScheduleCloseIfIdle(feed);
            }
        }
    }

    /// <summary>The points kept for the container, oldest first; empty when none are.</summary>
    public IReadOnlyList<ContainerStatsSample> History(string containerId) =>
        _feeds.TryGetValue(containerId, out var feed) ? feed.Ring.Snapshot() : [];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] pumps;
        lock (_gate)
        {
            pumps = _feeds.Values.Select(f => f.Pump).OfType<Task>().ToArray();
            foreach (var feed in _feeds.Values)
            {
                feed.Close();
            }

            _feeds.Clear();
        }

        await Task.WhenAll(pumps).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private Feed FeedFor(string containerId) =>
        _feeds.GetOrAdd(containerId, id => new Feed(id, options.Value.HistoryPoints));

    // Under _gate: a feed with a reason to exist gets a pump if it has none, and loses any pending close.
    private void Wake(Feed feed)
    {
        feed.CancelClose();
        if (_stopping.IsCancellationRequested || feed.IsPumping)
        {
            return;
        }

        // Not linked to _stopping (a linked source registers on it until disposed); DisposeAsync closes every feed.
        feed.Restart(new CancellationTokenSource());
        feed.Pump = Task.Run(() => PumpAsync(feed, feed.Token));
    }

    // Under _gate.
    private void ScheduleCloseIfIdle(Feed feed)
    {
        if (feed.Pinned || !feed.Handlers.IsEmpty)
        {
            return;
        }

        feed.CancelClose();
        feed.CloseTimer = time.CreateTimer(_ => CloseIfStillIdle(feed), null, options.Value.Linger, Timeout.InfiniteTimeSpan);
    }

    private void CloseIfStillIdle(Feed feed)
    {
        lock (_gate)
        {
            if (feed.Pinned || !feed.Handlers.IsEmpty)
            {
                return;
            }

            feed.Close();
            _feeds.TryRemove(new KeyValuePair<string, Feed>(feed.ContainerId, feed));
        }

        LogStreamClosed(logger, feed.ShortId);
    }

    private async Task PumpAsync(Feed feed, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        RawContainerStats? previous = null;
        LogStreamOpened(logger, feed.ShortId);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var raw in source.StreamAsync(feed.ContainerId, ct).ConfigureAwait(false))
                {
                    var sample = StatsCalculator.Sample(previous, raw);
                    previous = raw;
                    delay = TimeSpan.FromMilliseconds(500);
                    feed.Ring.Add(sample);
                    foreach (var subscriber in feed.Handlers.Keys)
                    {
                        subscriber.Notify(sample);
                    }
                }

                // The engine ended the stream: the container stopped or is gone. A restart pins it again.
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is EngineException or IOException or HttpRequestException)
            {
                LogStreamBroken(logger, feed.ShortId, e.Message);
            }

            try
            {
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxReconnectDelay.Ticks));
            previous = null;
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            if (_feeds.TryGetValue(subscription.ContainerId, out var feed) && feed.Handlers.TryRemove(subscription, out _))
            {
                ScheduleCloseIfIdle(feed);
            }
        }
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Debug, Message = "Stats stream of container {ContainerId} opened")]
    private static partial void LogStreamOpened(ILogger logger, string containerId);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Stats stream of container {ContainerId} closed: nobody watches it")]
    private static partial void LogStreamClosed(ILogger logger, string containerId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Stats stream of container {ContainerId} broke, reopening: {Reason}")]
    private static partial void LogStreamBroken(ILogger logger, string containerId, string reason);

    private sealed class Feed(string containerId, int historyPoints)
    {
        private CancellationTokenSource? _cts;

        public string ContainerId { get; } = containerId;

        /// <summary>The id as logs show it: 12 characters, as the Docker CLI shows them.</summary>
        public string ShortId { get; } = containerId.Length > 12 ? containerId[..12] : containerId;

        public MetricRing<ContainerStatsSample> Ring { get; } = new(historyPoints);

        public ConcurrentDictionary<Subscription, byte> Handlers { get; } = new();

        public bool Pinned { get; set; }

        public Task? Pump { get; set; }

        public ITimer? CloseTimer { get; set; }

        public CancellationToken Token => _cts?.Token ?? CancellationToken.None;

        public bool IsPumping => Pump is { IsCompleted: false };

        public void Restart(CancellationTokenSource cts)
        {
            _cts?.Dispose();
            _cts = cts;
        }

        public void CancelClose()
        {
            CloseTimer?.Dispose();
            CloseTimer = null;
        }

        public void Close()
        {
            CancelClose();
            _cts?.Cancel();
        }
    }

    private sealed class Subscription(ContainerStatsHub hub, string containerId, Action<ContainerStatsSample> handler) : IDisposable
    {
        private int _disposed;

        public string ContainerId { get; } = containerId;

        public void Notify(ContainerStatsSample sample)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            try
            {
                handler(sample);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A viewer's failure is its own; the stream and the other viewers go on.
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                hub.Remove(this);
            }
        }
    }
}
