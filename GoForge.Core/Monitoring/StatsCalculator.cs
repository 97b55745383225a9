namespace GoForge.Core.Monitoring;

/// <summary>
/// The figures of <c>docker stats</c>, computed as the Docker CLI computes them (cli/command/container/stats_helpers.go):
/// CPU % from the deltas the engine pairs in one reading (<c>cpu_stats</c> against <c>precpu_stats</c>), scaled by
/// the online CPUs so 100 % is one full core; memory without the inactive page cache (cgroup v1
/// <c>total_inactive_file</c>, v2 <c>inactive_file</c>); rates from two consecutive readings.
/// </summary>
public static class StatsCalculator
{
    public static double CpuPercent(RawContainerStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var cpuDelta = (double)stats.CpuTotalUsage - stats.PreCpuTotalUsage;
        var systemDelta = (double)stats.SystemCpuUsage - stats.PreSystemCpuUsage;
        double onlineCpus = stats.OnlineCpus != 0 ? stats.OnlineCpus : stats.PerCpuCount;
        return systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * onlineCpus * 100.0 : 0;
    }

    public static ulong MemoryUsed(RawContainerStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        // cgroup v1 first: only v1 has total_inactive_file, and a v1 reading also carries an inactive_file of its own.
        if (stats.MemoryStats.TryGetValue("total_inactive_file", out var v1) && v1 < stats.MemoryUsage)
        {
            return stats.MemoryUsage - v1;
        }

        if (!stats.MemoryStats.ContainsKey("total_inactive_file")
            && stats.MemoryStats.TryGetValue("inactive_file", out var v2) && v2 < stats.MemoryUsage)
        {
            return stats.MemoryUsage - v2;
        }

        return stats.MemoryUsage;
    }

    public static double MemoryPercent(RawContainerStats stats) =>
        stats.MemoryLimit == 0 ? 0 : (double)MemoryUsed(stats) / stats.MemoryLimit * 100.0;

    /// <summary>One chart point; rates against <paramref name="previous"/> (none for the first reading of a stream).</summary>
    public static ContainerStatsSample Sample(RawContainerStats? previous, RawContainerStats current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var seconds = previous is null ? 0 : (current.Read - previous.Read).TotalSeconds;
        return new ContainerStatsSample(
            current.Read,
            CpuPercent(current),
            MemoryUsed(current),
            current.MemoryLimit,
            MemoryPercent(current),
            Rate(previous?.NetworkRxBytes, current.NetworkRxBytes, seconds),
            Rate(previous?.NetworkTxBytes, current.NetworkTxBytes, seconds),
            Rate(previous?.BlockReadBytes, current.BlockReadBytes, seconds),
            Rate(previous?.BlockWriteBytes, current.BlockWriteBytes, seconds),
            current.Pids);
    }

    // A counter that went down (the container restarted, a network was detached) starts over: no negative rates.
    private static double Rate(ulong? before, ulong now, double seconds) =>
        before is { } b && seconds > 0 && now >= b ? (now - b) / seconds : 0;
}
