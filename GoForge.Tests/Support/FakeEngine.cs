using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using GoForge.Core.Containers;
using GoForge.Core.Monitoring;

namespace GoForge.Tests.Support;

/// <summary>
/// The engine's monitoring ports driven by the test, for component and Core tests: the test decides which containers
/// exist (<see cref="Put"/>, raising a container event as the engine would), writes stats readings and log lines into
/// per-container channels, and can break the events stream (<see cref="DropEvents"/>) as a restarting engine does.
/// Real-engine behaviour is tested against Docker in GoForge.Tests.Monitoring; this fake stands in only where a
/// test needs to control exactly when data arrives.
/// </summary>
public sealed class FakeEngine : IContainerInventory, IEngineEventSource, IContainerStatsSource, IContainerLogSource
{
    private readonly ConcurrentDictionary<string, ContainerSnapshot> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Channel<RawContainerStats>> _stats = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ContainerLog> _logs = new(StringComparer.Ordinal);
    private readonly Lock _eventsGate = new();
    private Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>();
    private int _statsStreamsOpen;
    private int _logReadersOpen;

    /// <summary>Stats streams being read now.</summary>
    public int StatsStreamsOpen => Volatile.Read(ref _statsStreamsOpen);

    /// <summary>Log readers open now.</summary>
    public int LogReadersOpen => Volatile.Read(ref _logReadersOpen);

    /// <summary>Whether <see cref="ListManagedAsync"/> and the events stream fail as an unreachable engine does.</summary>
    public bool Unreachable { get; set; }

    /// <summary>When set, inspects wait for it (an engine slow to answer).</summary>
    public Task? HoldInspect { get; set; }

    /// <summary>Sets the container as the engine has it now and raises <paramref name="action"/> for it, with <paramref name="attributes"/> beside its labels and name (a die's <c>exitCode</c>).</summary>
    public void Put(ContainerSnapshot container, string action = "start", IReadOnlyDictionary<string, string>? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        _containers[container.Id] = container;
        Raise(container, action, attributes);
    }

    /// <summary>Removes the container, raising <c>destroy</c>; its stats and log streams end.</summary>
    public void Remove(string containerId)
    {
        if (_containers.TryRemove(containerId, out var container))
        {
            Raise(container, "destroy");
        }

        EndStreams(containerId);
    }

    /// <summary>Ends the container's current stats and log streams, as the engine does when it stops.</summary>
    public void EndStreams(string containerId)
    {
        if (_stats.TryRemove(containerId, out var stats))
        {
            stats.Writer.TryComplete();
        }

        if (_logs.TryGetValue(containerId, out var log))
        {
            log.EndFollowers();
        }
    }

    public void WriteStats(string containerId, RawContainerStats reading) => StatsChannel(containerId).Writer.TryWrite(reading);

    /// <summary>Writes a line to the container's log: kept for later readers' tail, and sent to followers.</summary>
    public void WriteLog(string containerId, ContainerLogLine line) => LogOf(containerId).Write(line);

    /// <summary>Breaks the events stream (the reader sees <see cref="EngineException"/>); a new stream opens afterwards.</summary>
    public void DropEvents()
    {
        lock (_eventsGate)
        {
            _events.Writer.TryComplete(new EngineException("fake engine restarted"));
            _events = Channel.CreateUnbounded<EngineEvent>();
        }
    }

    public Task<IReadOnlyList<ContainerSnapshot>> ListManagedAsync(CancellationToken ct = default) =>
        Unreachable
            ? Task.FromException<IReadOnlyList<ContainerSnapshot>>(new EngineException("fake engine unreachable"))
            : Task.FromResult<IReadOnlyList<ContainerSnapshot>>([.. _containers.Values]);

    public async Task<ContainerSnapshot?> InspectAsync(string containerId, CancellationToken ct = default)
    {
        if (HoldInspect is { } hold)
        {
            await hold.WaitAsync(ct);
        }

        return _containers.GetValueOrDefault(containerId);
    }

    public async IAsyncEnumerable<EngineEvent> StreamAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (Unreachable)
        {
            throw new EngineException("fake engine unreachable");
        }

        Channel<EngineEvent> events;
        lock (_eventsGate)
        {
            events = _events;
        }

        await foreach (var item in events.Reader.ReadAllAsync(ct))
        {
            yield return item;
        }
    }

    async IAsyncEnumerable<RawContainerStats> IContainerStatsSource.StreamAsync(string containerId, [EnumeratorCancellation] CancellationToken ct)
    {
        Interlocked.Increment(ref _statsStreamsOpen);
        try
        {
            await foreach (var reading in StatsChannel(containerId).Reader.ReadAllAsync(ct))
            {
                yield return reading;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _statsStreamsOpen);
        }
    }

    public async IAsyncEnumerable<ContainerLogLine> ReadAsync(string containerId, int tail, DateTimeOffset? since, bool follow, [EnumeratorCancellation] CancellationToken ct = default)
    {
        Interlocked.Increment(ref _logReadersOpen);
        var (kept, follower) = LogOf(containerId).Open(tail, since, follow);
        try
        {
            foreach (var line in kept)
            {
                yield return line;
            }

            if (follower is null)
            {
                yield break;
            }

            await foreach (var line in follower.Reader.ReadAllAsync(ct))
            {
                yield return line;
            }
        }
        finally
        {
            if (follower is not null)
            {
                LogOf(containerId).Close(follower);
            }

            Interlocked.Decrement(ref _logReadersOpen);
        }
    }

    /// <summary>A running container of the application, started now.</summary>
    public static ContainerSnapshot Running(Guid applicationId, string id, string name = "goforge-app", DateTimeOffset? startedAt = null) => new()
    {
        Id = id,
        Name = name,
        Image = "goforge/app:1",
        State = ContainerRunState.Running,
        StartedAt = startedAt ?? DateTimeOffset.UtcNow,
        ApplicationId = applicationId,
        Labels = new Dictionary<string, string> { ["goforge.managed"] = "true", ["goforge.app"] = applicationId.ToString() },
    };

    /// <summary>A stats reading: <paramref name="cpuPercentOfOneCore"/> on a 2-CPU host, <paramref name="memoryMb"/> used of 512 MB.</summary>
    public static RawContainerStats Reading(DateTimeOffset at, double cpuPercentOfOneCore, ulong memoryMb, ulong rxBytes = 0, ulong txBytes = 0) => new()
    {
        Read = at,
        PreCpuTotalUsage = 1_000_000_000,
        CpuTotalUsage = 1_000_000_000 + (ulong)(cpuPercentOfOneCore * 10_000_000 / 2),
        PreSystemCpuUsage = 100_000_000_000,
        SystemCpuUsage = 100_000_000_000 + 1_000_000_000,
        OnlineCpus = 2,
        MemoryUsage = memoryMb * 1024 * 1024,
        MemoryLimit = 512UL * 1024 * 1024,
        NetworkRxBytes = rxBytes,
        NetworkTxBytes = txBytes,
        Pids = 1,
    };

    private void Raise(ContainerSnapshot container, string action, IReadOnlyDictionary<string, string>? extra = null)
    {
        var attributes = new Dictionary<string, string>(container.Labels) { ["name"] = container.Name };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            attributes[key] = value;
        }

        lock (_eventsGate)
        {
            _events.Writer.TryWrite(new EngineEvent("container", action, container.Id, attributes, DateTimeOffset.UtcNow));
        }
    }

    private Channel<RawContainerStats> StatsChannel(string containerId) =>
        _stats.GetOrAdd(containerId, _ => Channel.CreateUnbounded<RawContainerStats>());

    private ContainerLog LogOf(string containerId) => _logs.GetOrAdd(containerId, _ => new ContainerLog());

    /// <summary>A container's lines so far, and a channel per follower (as each engine log request is its own stream).</summary>
    private sealed class ContainerLog
    {
        private readonly Lock _gate = new();
        private readonly List<ContainerLogLine> _lines = [];
        private readonly List<Channel<ContainerLogLine>> _followers = [];

        public void Write(ContainerLogLine line)
        {
            lock (_gate)
            {
                _lines.Add(line);
                foreach (var follower in _followers)
                {
                    follower.Writer.TryWrite(line);
                }
            }
        }

        public (ContainerLogLine[] Kept, Channel<ContainerLogLine>? Follower) Open(int tail, DateTimeOffset? since, bool follow)
        {
            lock (_gate)
            {
                ContainerLogLine[] kept = since is { } s ? [.. _lines.Where(l => l.Time > s)] : [.. _lines.TakeLast(tail)];
                if (!follow)
                {
                    return (kept, null);
                }

                var follower = Channel.CreateUnbounded<ContainerLogLine>();
                _followers.Add(follower);
                return (kept, follower);
            }
        }

        public void Close(Channel<ContainerLogLine> follower)
        {
            lock (_gate)
            {
                _followers.Remove(follower);
            }
        }

        public void EndFollowers()
        {
            lock (_gate)
            {
                foreach (var follower in _followers)
                {
                    follower.Writer.TryComplete();
                }

                _followers.Clear();
            }
        }
    }
}
