using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Monitoring;

/// <summary>An application's or service's container and chart history as a viewer first sees them.</summary>
/// <param name="Container">The container it serves from; null when it has none (never deployed, or removed).</param>
/// <param name="History">The kept stats points of that container, oldest first.</param>
/// <param name="EngineConnected">Whether GoForge hears the engine's events now.</param>
public sealed record WorkloadRuntime(ContainerSnapshot? Container, IReadOnlyList<ContainerStatsSample> History, bool EngineConnected);

/// <summary>Something new about a watched workload's runtime.</summary>
public abstract record RuntimeUpdate;

/// <summary>The workload's container changed state, or it serves from another container now (a redeploy), or the engine connection changed.</summary>
public sealed record RuntimeContainerChanged(ContainerSnapshot? Container, bool EngineConnected) : RuntimeUpdate;

/// <summary>A new stats point of the workload's current container.</summary>
public sealed record RuntimeStatsArrived(string ContainerId, ContainerStatsSample Sample) : RuntimeUpdate;

/// <summary>One line of a workload's container log, masked; a <see cref="Notice"/> is GoForge's own (e.g. "following container …").</summary>
public sealed record WorkloadLogEntry(DateTimeOffset Time, LogOutput Stream, string Text, string ContainerId, bool Notice = false);

/// <summary>What runs containers: an application (built from Git) or a catalog service. Ids are unique across both.</summary>
public enum WorkloadKind
{
    Application,
    Service,
}

/// <summary>The application or service whose containers are watched; its id is the container's <see cref="ContainerSnapshot.WorkloadId"/>.</summary>
/// <param name="ComposeService">For one service of a compose application: its name (the containers' <c>goforge.compose-service</c> label); null otherwise.</param>
public readonly record struct Workload(WorkloadKind Kind, Guid Id, string? ComposeService = null)
{
    public static Workload Application(Guid applicationId) => new(WorkloadKind.Application, applicationId);

    public static Workload Service(Guid serviceId) => new(WorkloadKind.Service, serviceId);

    /// <summary>One service of a compose application: its container across redeploys.</summary>
    public static Workload Compose(Guid applicationId, string service) => new(WorkloadKind.Application, applicationId, service);

    /// <summary>The path segment of its page and log download: <c>applications</c> or <c>services</c>.</summary>
    public string Segment => Kind == WorkloadKind.Service ? "services" : "applications";
}

/// <summary>
/// What the Overview and Logs tabs see of an application's or a service's running containers, for viewers of its
/// project (View). A project the actor is not in answers "not found", as everywhere else. Secret values (the
/// application's secret variables, the service's secret credentials and outputs) are masked in every log line,
/// as in deployment logs.
/// </summary>
public sealed class MonitoringService(
    ApplicationService applications,
    IEnvironmentVariableRepository variables,
    IServiceInstanceRepository services,
    CatalogService catalog,
    ProjectAccess access,
    ContainerStateTracker tracker,
    ContainerStatsHub stats,
    IContainerLogSource logs,
    IOptions<MonitoringOptions> options)
{
    /// <summary>The most log lines one read or follow starts with.</summary>
    public const int MaxLogTail = 10_000;

    /// <inheritdoc cref="WatchAsync(Actor, Workload, Action{RuntimeUpdate}, CancellationToken)"/>
    public Task<Result<WorkloadWatch>> WatchAsync(Actor actor, Guid applicationId, Action<RuntimeUpdate> onUpdate, CancellationToken ct = default) =>
        WatchAsync(actor, Workload.Application(applicationId), onUpdate, ct);

    /// <summary>
    /// Starts pushing the workload's runtime updates to <paramref name="onUpdate"/> (on the engine's threads:
    /// hand off quickly) and returns the watch with the state as it was when watching began; dispose it to stop.
    /// Subscribes before it reads, so nothing that happens in between is lost.
    /// </summary>
    public async Task<Result<WorkloadWatch>> WatchAsync(Actor actor, Workload workload, Action<RuntimeUpdate> onUpdate, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onUpdate);
        var found = await CheckAsync(actor, workload, ct);
        return found.Error is { } error ? error : new WorkloadWatch(workload, tracker, stats, onUpdate);
    }

    /// <inheritdoc cref="FollowLogsAsync(Actor, Workload, int?, CancellationToken)"/>
    public Task<Result<IAsyncEnumerable<WorkloadLogEntry>>> FollowLogsAsync(Actor actor, Guid applicationId, int? tail = null, CancellationToken ct = default) =>
        FollowLogsAsync(actor, Workload.Application(applicationId), tail, ct);

    /// <summary>
    /// The workload's container log: the last <paramref name="tail"/> lines (default
    /// <see cref="MonitoringOptions.LogTail"/>), then every new line until <paramref name="ct"/> is canceled. When
    /// the container restarts, or a deployment replaces it, the log goes on with the new run, after a notice line.
    /// </summary>
    public async Task<Result<IAsyncEnumerable<WorkloadLogEntry>>> FollowLogsAsync(Actor actor, Workload workload, int? tail = null, CancellationToken ct = default)
    {
        if ((await CheckAsync(actor, workload, ct)).Error is { } error)
        {
            return error;
        }

        var lines = Math.Clamp(tail ?? options.Value.LogTail, 0, MaxLogTail);
        return Result<IAsyncEnumerable<WorkloadLogEntry>>.Ok(FollowAsync(workload, lines, await MaskerForAsync(workload, ct), ct));
    }

    /// <inheritdoc cref="ReadLogsAsync(Actor, Workload, int, CancellationToken)"/>
    public Task<Result<IAsyncEnumerable<WorkloadLogEntry>>> ReadLogsAsync(Actor actor, Guid applicationId, int tail, CancellationToken ct = default) =>
        ReadLogsAsync(actor, Workload.Application(applicationId), tail, ct);

    /// <summary>
    /// The last <paramref name="tail"/> lines of the workload's current container, masked, without following:
    /// the sequence ends after them (for a download). Empty when it has no container.
    /// </summary>
    public async Task<Result<IAsyncEnumerable<WorkloadLogEntry>>> ReadLogsAsync(Actor actor, Workload workload, int tail, CancellationToken ct = default)
    {
        if ((await CheckAsync(actor, workload, ct)).Error is { } error)
        {
            return error;
        }

        return Result<IAsyncEnumerable<WorkloadLogEntry>>.Ok(ReadAsync(workload, Math.Clamp(tail, 0, MaxLogTail), await MaskerForAsync(workload, ct), ct));
    }

    private async Task<Result> CheckAsync(Actor actor, Workload workload, CancellationToken ct)
    {
        if (workload.Kind == WorkloadKind.Application)
        {
            var application = await applications.FindAsync(actor, workload.Id, ProjectAction.View, ct);
            if (application.IsSuccess && workload.ComposeService is { } composeService && !ComposeServiceNames.IsValid(application.Value, composeService))
            {
                return ProjectAccess.NotFound("compose service");
            }

            return application.IsSuccess ? Result.Success : application.Error;
        }

        if (await services.GetAsync(workload.Id, ct) is not { } service)
        {
            return ProjectAccess.NotFound("service");
        }

        var allowed = await access.CheckAsync(actor, service.ProjectId, ProjectAction.View, "service", ct);
        return allowed.IsSuccess ? Result.Success : allowed.Error;
    }

    // The secret values, masked in every line as in deployment logs: an application's secret variables; a service's
    // secret inputs (its generated passwords) and secret outputs (connection strings with them).
    private async Task<SecretMasker> MaskerForAsync(Workload workload, CancellationToken ct)
    {
        if (workload.Kind == WorkloadKind.Application)
        {
            return new((await variables.ListAsync(workload.Id, ct)).Where(v => v.IsSecret).Select(v => v.Value));
        }

        if (await services.GetAsync(workload.Id, ct) is not { } service || await catalog.GetAsync(service.TemplateId, ct) is not { IsSuccess: true } template)
        {
            return new([]);
        }

        var (inputs, domain) = await services.GetInputsAsync(service.Id, ct);
        var secrets = template.Value.Inputs.Where(i => i.Secret && inputs.ContainsKey(i.Name)).Select(i => inputs[i.Name]).ToList();
        var rendered = ServiceRenderer.Render(template.Value, service.Version, inputs, service.Host, domain);
        if (rendered.IsSuccess)
        {
            secrets.AddRange(rendered.Value.Outputs.Where(o => o.Secret).Select(o => o.Value));
        }

        return new(secrets);
    }

    private async IAsyncEnumerable<WorkloadLogEntry> ReadAsync(Workload workload, int tail, SecretMasker masker, [EnumeratorCancellation] CancellationToken ct)
    {
        if (tracker.CurrentFor(workload) is not { State: not ContainerRunState.Removed } container)
        {
            yield break;
        }

        await foreach (var line in logs.ReadAsync(container.Id, tail, since: null, follow: false, ct))
        {
            yield return new WorkloadLogEntry(line.Time, line.Stream, masker.Apply(line.Text), container.Id);
        }
    }

    private async IAsyncEnumerable<WorkloadLogEntry> FollowAsync(Workload workload, int tail, SecretMasker masker, [EnumeratorCancellation] CancellationToken ct)
    {
        var changes = Channel.CreateBounded<ContainerStateChange>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = tracker.Subscribe(c => changes.Writer.TryWrite(c), workload.Id);
        string? followed = null;
        DateTimeOffset? followedStart = null;
        DateTimeOffset? lastLine = null;
        while (!ct.IsCancellationRequested)
        {
            var next = Next(workload, followed, followedStart);
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
                yield return new WorkloadLogEntry(next.StartedAt ?? DateTimeOffset.UtcNow, LogOutput.Stdout, sameContainer
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
                    catch (EngineException)
                    {
                        // The engine went away; the tracker's reconnect brings the container back (or its successor).
                        break;
                    }

                    if (sameContainer && lastLine is { } last && line.Time <= last)
                    {
                        continue;
                    }

                    lastLine = line.Time;
                    yield return new WorkloadLogEntry(line.Time, line.Stream, masker.Apply(line.Text), next.Id);
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
    private ContainerSnapshot? Next(Workload workload, string? followed, DateTimeOffset? followedStart)
    {
        var current = tracker.CurrentFor(workload);
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
/// A viewer's live watch of one application or service (from <see cref="MonitoringService.WatchAsync(Actor, Workload, Action{RuntimeUpdate}, CancellationToken)"/>):
/// follows its current container across redeploys and recreations, moving its stats subscription to the new container.
/// </summary>
public sealed class WorkloadWatch : IDisposable
{
    private readonly Workload _workload;
    private readonly ContainerStateTracker _tracker;
    private readonly ContainerStatsHub _stats;
    private readonly Action<RuntimeUpdate> _onUpdate;
    private readonly IDisposable _states;
    private readonly Lock _gate = new();
    private IDisposable? _statsSubscription;
    private string? _containerId;
    private bool _disposed;

    internal WorkloadWatch(Guid workloadId, ContainerStateTracker tracker, ContainerStatsHub stats, Action<RuntimeUpdate> onUpdate)
        : this(Workload.Application(workloadId), tracker, stats, onUpdate)
    {
    }

    internal WorkloadWatch(Workload workload, ContainerStateTracker tracker, ContainerStatsHub stats, Action<RuntimeUpdate> onUpdate)
    {
        _workload = workload;
        _tracker = tracker;
        _stats = stats;
        _onUpdate = onUpdate;
        _states = tracker.Subscribe(OnStateChange, workload.Id);
        var current = tracker.CurrentFor(workload);
        lock (_gate)
        {
            Follow(current);
        }

        Initial = new WorkloadRuntime(current, current is null ? [] : stats.History(current.Id), tracker.EngineConnected);
    }

    /// <summary>The runtime as it was when the watch began.</summary>
    public WorkloadRuntime Initial { get; }

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
        var current = _tracker.CurrentFor(_workload);
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
