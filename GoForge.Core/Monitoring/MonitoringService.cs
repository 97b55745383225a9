using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Monitoring;

/// <summary>An application's container and chart history as a viewer first sees them.</summary>
/// <param name="Container">The container it serves from; null when it has none (never deployed, or removed).</param>
/// <param name="History">The kept stats points of that container, oldest first.</param>
/// <param name="EngineConnected">Whether GoForge hears the engine's events now.</param>
public sealed record ApplicationRuntime(ContainerSnapshot? Container, IReadOnlyList<ContainerStatsSample> History, bool EngineConnected);

/// <summary>Something new about a watched application's runtime.</summary>
public abstract record RuntimeUpdate;

/// <summary>The application's container changed state, or it serves from another container now (a redeploy), or the engine connection changed.</summary>
public sealed record RuntimeContainerChanged(ContainerSnapshot? Container, bool EngineConnected) : RuntimeUpdate;

/// <summary>A new stats point of the application's current container.</summary>
public sealed record RuntimeStatsArrived(string ContainerId, ContainerStatsSample Sample) : RuntimeUpdate;

/// <summary>One line of an application's container log, masked; a <see cref="Notice"/> is GoForge's own (e.g. "following container …").</summary>
public sealed record ApplicationLogEntry(DateTimeOffset Time, LogOutput Stream, string Text, string ContainerId, bool Notice = false);

/// <summary>
/// What the Overview and Logs tabs see of an application's running containers, for viewers of its project
/// (View). A project the actor is not in answers "not found", as everywhere else. Secret values of the application
/// are masked in every log line, as in deployment logs.
/// </summary>
public sealed class MonitoringService(
    ApplicationService applications,
    IEnvironmentVariableRepository variables,
    ContainerStateTracker tracker,
    ContainerStatsHub stats,
    IContainerLogSource logs,
    IOptions<MonitoringOptions> options)
{
    /// <summary>The most log lines one read or follow starts with.</summary>
    public const int MaxLogTail = 10_000;

    /// <summary>
    /// Starts pushing the application's runtime updates to <paramref name="onUpdate"/> (on the engine's threads:
    /// hand off quickly) and returns the watch with the state as it was when watching began; dispose it to stop.
    /// Subscribes before it reads, so nothing that happens in between is lost.
    /// </summary>
    public async Task<Result<ApplicationWatch>> WatchAsync(Actor actor, Guid applicationId, Action<RuntimeUpdate> onUpdate, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onUpdate);
        var found = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        return new ApplicationWatch(applicationId, tracker, stats, onUpdate);
    }

    /// <summary>
    /// The application's container log: the last <paramref name="tail"/> lines (default
    /// <see cref="MonitoringOptions.LogTail"/>), then every new line until <paramref name="ct"/> is canceled. When
    /// the container restarts, or a deployment replaces it, the log goes on with the new run, after a notice line.
    /// </summary>
    public async Task<Result<IAsyncEnumerable<ApplicationLogEntry>>> FollowLogsAsync(Actor actor, Guid applicationId, int? tail = null, CancellationToken ct = default)
    {
        var found = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var lines = Math.Clamp(tail ?? options.Value.LogTail, 0, MaxLogTail);
        return Result<IAsyncEnumerable<ApplicationLogEntry>>.Ok(FollowAsync(applicationId, lines, await MaskerForAsync(applicationId, ct), ct));
    }

    /// <summary>
    /// The last <paramref name="tail"/> lines of the application's current container, masked, without following:
    /// the sequence ends after them (for a download). Empty when the application has no container.
    /// </summary>
    public async Task<Result<IAsyncEnumerable<ApplicationLogEntry>>> ReadLogsAsync(Actor actor, Guid applicationId, int tail, CancellationToken ct = default)
    {
        var found = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        return Result<IAsyncEnumerable<ApplicationLogEntry>>.Ok(ReadAsync(applicationId, Math.Clamp(tail, 0, MaxLogTail), await MaskerForAsync(applicationId, ct), ct));
    }

    // The application's secret values, masked in every line as in deployment logs.
    private async Task<SecretMasker> MaskerForAsync(Guid applicationId, CancellationToken ct) =>
        new((await variables.ListAsync(applicationId, ct)).Where(v => v.IsSecret).Select(v => v.Value));

    private async IAsyncEnumerable<ApplicationLogEntry> ReadAsync(Guid applicationId, int tail, SecretMasker masker, [EnumeratorCancellation] CancellationToken ct)
    {
        if (tracker.CurrentFor(applicationId) is not { State: not ContainerRunState.Removed } container)
        {
            yield break;
        }

        await foreach (var line in logs.ReadAsync(container.Id, tail, since: null, follow: false, ct))
        {
            yield return new ApplicationLogEntry(line.Time, line.Stream, masker.Apply(line.Text), container.Id);
        }
    }

    private async IAsyncEnumerable<ApplicationLogEntry> FollowAsync(Guid applicationId, int tail, SecretMasker masker, [EnumeratorCancellation] CancellationToken ct)
    {
        var changes = Channel.CreateBounded<ContainerStateChange>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = tracker.Subscribe(c => changes.Writer.TryWrite(c), applicationId);
        string? followed = null;
        DateTimeOffset? followedStart = null;
        DateTimeOffset? lastLine = null;
        while (!ct.IsCancellationRequested)
        {
            var next = Next(applicationId, followed, followedStart);
            if (next is null)
            {
                // Nothing (new) to read: wait for the tracker to see a start or a new container.
                try
                {
                    await changes.Reader.ReadAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                continue;
            }

            var sameContainer = next.Id == followed;
            if (followed is not null)
            {
                yield return new ApplicationLogEntry(next.StartedAt ?? DateTimeOffset.UtcNow, LogOutput.Stdout, sameContainer
                    ? $"— container {next.Name} restarted (restart {next.RestartCount}) —"
                    : $"— now following container {next.Name} —", next.Id, Notice: true);
            }

            followed = next.Id;
            followedStart = next.StartedAt;
            var reader = logs.ReadAsync(next.Id, tail, sameContainer ? lastLine : null, follow: true, ct).GetAsyncEnumerator(ct);
            try
            {
                while (true)
                {
                    ContainerLogLine line;
                    try
                    {
                        if (!await reader.MoveNextAsync())
                        {
                            break;
                        }

                        line = reader.Current;
                    }
                    catch (OperationCanceledException)
                    {
                        yield break;
                    }
                    catch (EngineUnavailableException)
                    {
                        // The engine went away; the tracker's reconnect brings the container back (or its successor).
                        break;
                    }

                    if (sameContainer && lastLine is { } last && line.Time <= last)
                    {
                        continue;
                    }

                    lastLine = line.Time;
                    yield return new ApplicationLogEntry(line.Time, line.Stream, masker.Apply(line.Text), next.Id);
                }
            }
            finally
            {
                await reader.DisposeAsync();
            }
        }
    }

    // The container to read next: the first time, the current one in any state (its last lines are worth showing);
    // after that, a running container that is another one or the same one started again.
    private ContainerSnapshot? Next(Guid applicationId, string? followed, DateTimeOffset? followedStart)
    {
        var current = tracker.CurrentFor(applicationId);
        if (current is null)
        {
            return null;
        }

        if (followed is null)
        {
            return current.State == ContainerRunState.Removed ? null : current;
        }

        if (!current.IsRunning)
        {
            return null;
        }

        return current.Id != followed || current.StartedAt > followedStart ? current : null;
    }
}

/// <summary>
/// A viewer's live watch of one application (from <see cref="MonitoringService.WatchAsync"/>): follows the
/// application's current container across redeploys, moving its stats subscription to the new container.
/// </summary>
public sealed class ApplicationWatch : IDisposable
{
    private readonly Guid _applicationId;
    private readonly ContainerStateTracker _tracker;
    private readonly ContainerStatsHub _stats;
    private readonly Action<RuntimeUpdate> _onUpdate;
    private readonly IDisposable _states;
    private readonly Lock _gate = new();
    private IDisposable? _statsSubscription;
    private string? _containerId;
    private bool _disposed;

    internal ApplicationWatch(Guid applicationId, ContainerStateTracker tracker, ContainerStatsHub stats, Action<RuntimeUpdate> onUpdate)
    {
        _applicationId = applicationId;
        _tracker = tracker;
        _stats = stats;
        _onUpdate = onUpdate;
        _states = tracker.Subscribe(OnStateChange, applicationId);
        var current = tracker.CurrentFor(applicationId);
        lock (_gate)
        {
            Follow(current);
        }

        Initial = new ApplicationRuntime(current, current is null ? [] : stats.History(current.Id), tracker.EngineConnected);
    }

    /// <summary>The runtime as it was when the watch began.</summary>
    public ApplicationRuntime Initial { get; }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _states.Dispose();
            _statsSubscription?.Dispose();
            _statsSubscription = null;
        }
    }

    private void OnStateChange(ContainerStateChange change)
    {
        var current = _tracker.CurrentFor(_applicationId);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Follow(current);
        }

        _onUpdate(new RuntimeContainerChanged(current, change.EngineConnected));
    }

    // Under _gate.
    private void Follow(ContainerSnapshot? current)
    {
        var id = current?.Id;
        if (id == _containerId)
        {
            return;
        }

        _statsSubscription?.Dispose();
        _statsSubscription = id is null ? null : _stats.Subscribe(id, sample => _onUpdate(new RuntimeStatsArrived(id, sample)));
        _containerId = id;
    }
}
