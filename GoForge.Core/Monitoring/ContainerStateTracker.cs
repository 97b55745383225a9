using System.Collections.Concurrent;
using System.Globalization;
using GoForge.Core.Containers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Monitoring;

/// <summary>A change the tracker saw: a container's new snapshot (state <see cref="ContainerRunState.Removed"/> when it went), or the engine's connection.</summary>
/// <param name="Container">The container as it is now; null for a change of <paramref name="EngineConnected"/> only.</param>
/// <param name="EngineConnected">Whether the events stream is connected.</param>
public sealed record ContainerStateChange(ContainerSnapshot? Container, bool EngineConnected);

/// <summary>
/// The one long-lived consumer of the engine's events. It keeps a snapshot of every GoForge container, pushes each
/// change to subscribers, and opens the stats streams of running containers (<see cref="MonitoringOptions.AlwaysCollect"/>).
/// When the engine goes away it reconnects with a doubling back-off (0.5 s up to <see cref="MonitoringOptions.MaxReconnectDelay"/>),
/// and after every (re)connect it resyncs from a full list, so a change missed while disconnected is still seen.
/// The events stream is opened from a time taken before the list, so nothing between the two is lost (replays are harmless).
/// </summary>
public sealed partial class ContainerStateTracker(
    IContainerInventory inventory,
    IEngineEventSource events,
    ContainerStatsHub stats,
    IOptions<MonitoringOptions> options,
    TimeProvider time,
    ILogger<ContainerStateTracker> logger) : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);

    // Container actions that change what a snapshot shows; exec_*, attach, top, resize… do not.
    private static readonly HashSet<string> StateActions = new(StringComparer.Ordinal)
    {
        "create", "start", "restart", "stop", "die", "kill", "oom", "pause", "unpause", "destroy", "rename", "update",
    };

    private readonly ConcurrentDictionary<string, ContainerSnapshot> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Subscription, byte> _subscribers = new();
    private readonly TaskCompletionSource _firstSync = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _connected;

    /// <summary>Whether the events stream is connected now.</summary>
    public bool EngineConnected => _connected;

    /// <summary>Times the tracker (re)connected and resynced; for tests and diagnostics.</summary>
    public int Syncs { get; private set; }

    public int SubscriberCount => _subscribers.Count;

    /// <summary>Completes after the first successful sync (or never, while no engine answers).</summary>
    public Task FirstSync => _firstSync.Task;

    /// <summary>Every GoForge container known now.</summary>
    public IReadOnlyList<ContainerSnapshot> All() => [.. _containers.Values];

    /// <summary>The containers of an application or a service (a workload), running ones first, then the most recently started.</summary>
    public IReadOnlyList<ContainerSnapshot> ForWorkload(Guid workloadId) =>
    [
        .. _containers.Values
            .Where(c => c.WorkloadId == workloadId)
            .OrderByDescending(c => c.IsRunning)
            .ThenByDescending(c => c.StartedAt ?? DateTimeOffset.MinValue),
    ];

    /// <summary>The container the application (or service) serves from: the newest running one, else the newest; null when it has none.</summary>
    public ContainerSnapshot? CurrentFor(Guid workloadId) => ForWorkload(workloadId) is [var first, ..] ? first : null;

    /// <summary>As <see cref="CurrentFor(Guid)"/>; for one service of a compose application, that service's containers only.</summary>
    public ContainerSnapshot? CurrentFor(Workload workload) => workload.ComposeService is not { } service
        ? CurrentFor(workload.Id)
        : ForWorkload(workload.Id).FirstOrDefault(c => c.Labels.TryGetValue(GoForgeLabels.ComposeService, out var label) && label == service);

    public ContainerSnapshot? Find(string containerId) => _containers.GetValueOrDefault(containerId);

    /// <summary>Every change, of every container; <paramref name="workloadId"/> narrows it to one application's or service's (connection changes always come).</summary>
    public IDisposable Subscribe(Action<ContainerStateChange> handler, Guid? workloadId = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, handler, workloadId);
        _subscribers[subscription] = 0;
        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var since = time.GetUtcNow();
                await using var stream = events.StreamAsync(since, stoppingToken).GetAsyncEnumerator(stoppingToken);
                await ResyncAsync(stoppingToken);
                SetConnected(true);
                delay = FirstDelay;
                while (await stream.MoveNextAsync())
                {
                    await HandleAsync(stream.Current, stoppingToken);
                }

                LogEventsEnded(logger);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The loop never dies: an engine that went away, a transport error or a bug in one event all end
                // in a reconnect and a resync.
                LogEventsBroken(logger, e.GetType().Name, e.Message);
            }

            SetConnected(false);
            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxReconnectDelay.Ticks));
        }
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        var listed = await inventory.ListManagedAsync(ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in listed)
        {
            seen.Add(container.Id);
            Update(container);
        }

        foreach (var gone in _containers.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            MarkRemoved(gone);
        }

        Syncs++;
        LogResynced(logger, listed.Count);
        _firstSync.TrySetResult();
    }

    private async Task HandleAsync(EngineEvent engineEvent, CancellationToken ct)
    {
        if (engineEvent.Type != "container" || !IsStateAction(engineEvent.Action)
            || !engineEvent.Attributes.TryGetValue(GoForgeLabels.Managed, out var managed) || managed != "true")
        {
            return;
        }

        if (engineEvent.Action == "destroy")
        {
            MarkRemoved(engineEvent.ActorId);
            return;
        }

        if (engineEvent.Action == "die" && _containers.TryGetValue(engineEvent.ActorId, out var known) && known.IsRunning)
        {
            // The event says what people watch for (it stopped, and its exit code): push that at once rather than
            // after the inspect's round trip, which a busy engine answers in hundreds of milliseconds. The inspect
            // below then brings the rest (the finish time, a restart under the restart policy).
            var exitCode = engineEvent.Attributes.TryGetValue("exitCode", out var code)
                && int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : known.ExitCode;
            Update(known with { State = ContainerRunState.Exited, ExitCode = exitCode });
        }

        var snapshot = await inventory.InspectAsync(engineEvent.ActorId, ct);
        if (snapshot is null)
        {
            MarkRemoved(engineEvent.ActorId);
        }
        else
        {
            Update(snapshot);
        }
    }

    // health_status comes as "health_status: healthy".
    private static bool IsStateAction(string action) =>
        StateActions.Contains(action) || action.StartsWith("health_status", StringComparison.Ordinal);

    private void Update(ContainerSnapshot snapshot)
    {
        var previous = _containers.GetValueOrDefault(snapshot.Id);
        _containers[snapshot.Id] = snapshot;
        if (options.Value.AlwaysCollect && snapshot.IsRunning)
        {
            stats.Pin(snapshot.Id);
        }
        else
        {
            stats.Unpin(snapshot.Id);
        }

        if (previous != snapshot)
        {
            Publish(new ContainerStateChange(snapshot, true));
        }
    }

    private void MarkRemoved(string containerId)
    {
        if (!_containers.TryRemove(containerId, out var last))
        {
            return;
        }

        stats.Unpin(containerId);
        Publish(new ContainerStateChange(last with { State = ContainerRunState.Removed, Health = ContainerHealthState.None }, _connected));
    }

    private void SetConnected(bool connected)
    {
        if (_connected == connected)
        {
            return;
        }

        _connected = connected;
        Publish(new ContainerStateChange(null, connected));
    }

    private void Publish(ContainerStateChange change)
    {
        foreach (var subscriber in _subscribers.Keys)
        {
            if (change.Container is { } c && subscriber.WorkloadId is { } workload && c.WorkloadId != workload)
            {
                continue;
            }

            try
            {
                subscriber.Handler(change);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A viewer's failure is its own.
            }
        }
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Container states resynced from the engine: {Count} GoForge containers")]
    private static partial void LogResynced(ILogger logger, int count);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "Docker events stream ended; reconnecting")]
    private static partial void LogEventsEnded(ILogger logger);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Warning, Message = "Docker events stream broke ({Kind}: {Reason}); reconnecting")]
    private static partial void LogEventsBroken(ILogger logger, string kind, string reason);

    private sealed class Subscription(ContainerStateTracker tracker, Action<ContainerStateChange> handler, Guid? workloadId) : IDisposable
    {
        public Action<ContainerStateChange> Handler { get; } = handler;

        public Guid? WorkloadId { get; } = workloadId;

        public void Dispose() => tracker._subscribers.TryRemove(this, out _);
    }
}
