namespace GoForge.Core.Monitoring;

/// <summary>
/// One reading of a container's streaming stats endpoint, as the engine reports it (counters, not rates). The
/// adapter maps the engine's JSON to this; <see cref="StatsCalculator"/> derives the figures people read.
/// </summary>
public sealed record RawContainerStats
{
    /// <summary>When the engine read the counters.</summary>
    public required DateTimeOffset Read { get; init; }

    /// <summary>Total CPU time of the container, ns (<c>cpu_stats.cpu_usage.total_usage</c>).</summary>
    public ulong CpuTotalUsage { get; init; }

    /// <summary>The same counter at the previous reading (<c>precpu_stats</c>), as the engine pairs them.</summary>
    public ulong PreCpuTotalUsage { get; init; }

    /// <summary>Host CPU time, ns (<c>cpu_stats.system_cpu_usage</c>).</summary>
    public ulong SystemCpuUsage { get; init; }

    public ulong PreSystemCpuUsage { get; init; }

    /// <summary><c>cpu_stats.online_cpus</c>; 0 when the engine did not say.</summary>
    public uint OnlineCpus { get; init; }

    /// <summary>Entries in <c>cpu_usage.percpu_usage</c> (cgroup v1), the fallback for <see cref="OnlineCpus"/>.</summary>
    public int PerCpuCount { get; init; }

    /// <summary><c>memory_stats.usage</c>, bytes (page cache included).</summary>
    public ulong MemoryUsage { get; init; }

    /// <summary><c>memory_stats.limit</c>, bytes (the host's memory when the container has no limit).</summary>
    public ulong MemoryLimit { get; init; }

    /// <summary><c>memory_stats.stats</c>: cgroup v1 has <c>total_inactive_file</c>, v2 <c>inactive_file</c>.</summary>
    public IReadOnlyDictionary<string, ulong> MemoryStats { get; init; } = new Dictionary<string, ulong>();

    /// <summary>Bytes received, summed over the container's networks.</summary>
    public ulong NetworkRxBytes { get; init; }

    public ulong NetworkTxBytes { get; init; }

    /// <summary>Bytes read from block devices (<c>io_service_bytes_recursive</c>, op read), summed.</summary>
    public ulong BlockReadBytes { get; init; }

    public ulong BlockWriteBytes { get; init; }

    /// <summary><c>pids_stats.current</c>.</summary>
    public ulong Pids { get; init; }
}

/// <summary>One point of a container's live charts, derived as the Docker CLI derives <c>docker stats</c>.</summary>
/// <param name="Time">When the engine read it.</param>
/// <param name="CpuPercent">CPU % where 100 is one core (as <c>docker stats</c>).</param>
/// <param name="MemoryUsedBytes">Memory used without the inactive page cache.</param>
/// <param name="MemoryLimitBytes">The limit (or the host's memory).</param>
/// <param name="MemoryPercent">Used / limit × 100; 0 without a limit.</param>
/// <param name="NetworkRxPerSecond">Bytes received per second since the previous point; 0 for the first.</param>
/// <param name="NetworkTxPerSecond">Bytes sent per second since the previous point.</param>
/// <param name="BlockReadPerSecond">Bytes read per second since the previous point.</param>
/// <param name="BlockWritePerSecond">Bytes written per second since the previous point.</param>
/// <param name="Pids">Processes and threads.</param>
public sealed record ContainerStatsSample(
    DateTimeOffset Time,
    double CpuPercent,
    ulong MemoryUsedBytes,
    ulong MemoryLimitBytes,
    double MemoryPercent,
    double NetworkRxPerSecond,
    double NetworkTxPerSecond,
    double BlockReadPerSecond,
    double BlockWritePerSecond,
    ulong Pids);

/// <summary>A container's life as GoForge shows it.</summary>
public enum ContainerRunState
{
    Created,
    Running,
    Restarting,
    Paused,
    Exited,
    Dead,
    Removing,

    /// <summary>The engine no longer has it.</summary>
    Removed,
}

/// <summary>The engine's health check verdict; <see cref="None"/> when the image defines no health check.</summary>
public enum ContainerHealthState
{
    None,
    Starting,
    Healthy,
    Unhealthy,
}

/// <summary>What the engine says of one container now (an inspect), with GoForge's labels read out.</summary>
public sealed record ContainerSnapshot
{
    public required string Id { get; init; }

    /// <summary>The name without Docker's leading slash.</summary>
    public required string Name { get; init; }

    public required string Image { get; init; }

    public required ContainerRunState State { get; init; }

    public ContainerHealthState Health { get; init; } = ContainerHealthState.None;

    /// <summary>The exit code of the last run (meaningful when <see cref="State"/> is exited or dead).</summary>
    public int ExitCode { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How often the engine restarted it under its restart policy.</summary>
    public int RestartCount { get; init; }

    /// <summary>From the <c>goforge.app</c> label; null for containers that are not an application's.</summary>
    public Guid? ApplicationId { get; init; }

    /// <summary>From the <c>goforge.deployment</c> label.</summary>
    public Guid? DeploymentId { get; init; }

    /// <summary>From the <c>goforge.service</c> label; null for containers that are not a catalog service's.</summary>
    public Guid? ServiceId { get; init; }

    /// <summary>What the container runs for: its application, else its service (ids are unique across both).</summary>
    public Guid? WorkloadId => ApplicationId ?? ServiceId;

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public bool IsRunning => State is ContainerRunState.Running or ContainerRunState.Restarting;

    /// <summary>
    /// Equal when every field is, labels by content: each inspect builds a new label dictionary, and the tracker
    /// pushes a snapshot only when it differs from the one it had.
    /// </summary>
    public bool Equals(ContainerSnapshot? other) =>
        other is not null
        && Id == other.Id && Name == other.Name && Image == other.Image && State == other.State && Health == other.Health
        && ExitCode == other.ExitCode && StartedAt == other.StartedAt && FinishedAt == other.FinishedAt
        && RestartCount == other.RestartCount && ApplicationId == other.ApplicationId && DeploymentId == other.DeploymentId
        && ServiceId == other.ServiceId
        && Labels.Count == other.Labels.Count
        && Labels.All(l => other.Labels.TryGetValue(l.Key, out var value) && value == l.Value);

    public override int GetHashCode() => HashCode.Combine(Id, State, Health, ExitCode, StartedAt, RestartCount);

    /// <summary>Needs attention: unhealthy, restarting, or exited with a non-zero code.</summary>
    public bool IsUnhealthy => Health == ContainerHealthState.Unhealthy
        || State is ContainerRunState.Restarting or ContainerRunState.Dead
        || (State == ContainerRunState.Exited && ExitCode != 0);
}

/// <summary>Something the engine reported on its events stream (<c>/events</c>).</summary>
/// <param name="Type">container, image, network, volume, …</param>
/// <param name="Action">start, die, stop, health_status: healthy, destroy, …</param>
/// <param name="ActorId">The container, image or network id.</param>
/// <param name="Attributes">The actor's attributes (a container's labels and name, an exit code).</param>
/// <param name="Time">When it happened.</param>
public sealed record EngineEvent(string Type, string Action, string ActorId, IReadOnlyDictionary<string, string> Attributes, DateTimeOffset Time);

public enum LogOutput
{
    Stdout,
    Stderr,
}

/// <summary>One line a container wrote, with the engine's timestamp.</summary>
public sealed record ContainerLogLine(DateTimeOffset Time, LogOutput Stream, string Text);
