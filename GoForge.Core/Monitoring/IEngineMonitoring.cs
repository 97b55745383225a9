using GoForge.Core.Containers;

namespace GoForge.Core.Monitoring;

/// <summary>The engine's streaming stats endpoint for one container.</summary>
public interface IContainerStatsSource
{
    /// <summary>
    /// Readings about once a second until <paramref name="ct"/> is canceled or the container goes away (the sequence
    /// ends). Engine failures are <see cref="EngineException"/>s.
    /// </summary>
    IAsyncEnumerable<RawContainerStats> StreamAsync(string containerId, CancellationToken ct = default);
}

/// <summary>The engine's log endpoint for one container.</summary>
public interface IContainerLogSource
{
    /// <summary>
    /// The last <paramref name="tail"/> lines (or those after <paramref name="since"/> when given), then, with
    /// <paramref name="follow"/>, every new line until the container stops (the sequence ends) or <paramref name="ct"/>
    /// is canceled. Lines are split on newlines, stdout and stderr apart, with the engine's timestamps.
    /// </summary>
    IAsyncEnumerable<ContainerLogLine> ReadAsync(string containerId, int tail, DateTimeOffset? since, bool follow, CancellationToken ct = default);
}

/// <summary>The engine's events stream.</summary>
public interface IEngineEventSource
{
    /// <summary>
    /// Container, image and network events from <paramref name="since"/> (null: from now) until canceled. The sequence
    /// ends or throws <see cref="EngineException"/> when the engine goes away; the caller reconnects.
    /// </summary>
    IAsyncEnumerable<EngineEvent> StreamAsync(DateTimeOffset? since, CancellationToken ct = default);
}

/// <summary>Lists and inspects the containers GoForge manages.</summary>
public interface IContainerInventory
{
    /// <summary>Every container with the <c>goforge.managed</c> label, running or not.</summary>
    Task<IReadOnlyList<ContainerSnapshot>> ListManagedAsync(CancellationToken ct = default);

    /// <summary>The container now; null when the engine no longer has it.</summary>
    Task<ContainerSnapshot?> InspectAsync(string containerId, CancellationToken ct = default);
}

/// <summary>The host GoForge runs on (for the dashboard).</summary>
public interface IHostMetrics
{
    /// <summary>CPU % of all cores since the previous call (0 on the first), and memory.</summary>
    HostSample Read();
}

/// <param name="CpuPercent">0-100 across all cores.</param>
public sealed record HostSample(DateTimeOffset Time, double CpuPercent, ulong MemoryUsedBytes, ulong MemoryTotalBytes, int Cores);
