using Microsoft.Extensions.Logging;

namespace GoForge.Core.Monitoring;

/// <summary>
/// The host's CPU and memory, sampled every <see cref="Interval"/> only while somebody subscribes (the dashboard):
/// the timer lives here, not in a component, and stops with the last subscriber.
/// </summary>
public sealed partial class HostMonitor(IHostMetrics metrics, TimeProvider time, ILogger<HostMonitor> logger) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly HashSet<Subscription> _subscribers = [];
    private ITimer? _timer;

    /// <summary>The last sample taken (or a fresh one when none is running).</summary>
    public HostSample Latest { get; private set; } = new(DateTimeOffset.MinValue, 0, 0, 0, Environment.ProcessorCount);

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public IDisposable Subscribe(Action<HostSample> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, handler);
        lock (_gate)
        {
            _subscribers.Add(subscription);
            _timer ??= time.CreateTimer(_ => Tick(), null, TimeSpan.Zero, Interval);
        }

        return subscription;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _subscribers.Clear();
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Tick()
    {
        HostSample sample;
        try
        {
            sample = metrics.Read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            LogReadFailed(logger, e.Message);
            return;
        }

        Latest = sample;
        Subscription[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                subscriber.Handler(sample);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A viewer's failure is its own.
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscription);
            if (_subscribers.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    [LoggerMessage(EventId = 6020, Level = LogLevel.Warning, Message = "Host metrics could not be read: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);

    private sealed class Subscription(HostMonitor monitor, Action<HostSample> handler) : IDisposable
    {
        public Action<HostSample> Handler { get; } = handler;

        public void Dispose() => monitor.Remove(this);
    }
}
