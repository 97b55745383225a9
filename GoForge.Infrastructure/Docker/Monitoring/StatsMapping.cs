using Docker.DotNet.Models;
using GoForge.Core.Monitoring;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>One reading of the engine's stats endpoint as Core's counters; no arithmetic beyond summing.</summary>
internal static class StatsMapping
{
    /// <summary>
    /// Whether the reading describes a running container. A stopped one keeps being "read" with Go's zero time and
    /// empty counters until it is removed, so such a reading ends a stream.
    /// </summary>
    public static bool IsLive(ContainerStatsResponse response) => response.Read.Year > 1;

    public static RawContainerStats Map(ContainerStatsResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var cpu = response.CPUStats;
        var preCpu = response.PreCPUStats;
        var memory = response.MemoryStats;
        var (read, write) = BlockBytes(response.BlkioStats?.IoServiceBytesRecursive);
        return new RawContainerStats
        {
            Read = EngineTime.FromUtc(response.Read),
            CpuTotalUsage = cpu?.CPUUsage?.TotalUsage ?? 0,
            PreCpuTotalUsage = preCpu?.CPUUsage?.TotalUsage ?? 0,
            SystemCpuUsage = cpu?.SystemUsage ?? 0,
            PreSystemCpuUsage = preCpu?.SystemUsage ?? 0,
            OnlineCpus = cpu?.OnlineCPUs ?? 0,
            PerCpuCount = cpu?.CPUUsage?.PercpuUsage?.Count ?? 0,
            MemoryUsage = memory?.Usage ?? 0,
            MemoryLimit = memory?.Limit ?? 0,
            MemoryStats = memory?.Stats is { } stats ? new Dictionary<string, ulong>(stats, StringComparer.Ordinal) : new Dictionary<string, ulong>(),
            NetworkRxBytes = Sum(response.Networks?.Values, n => n.RxBytes),
            NetworkTxBytes = Sum(response.Networks?.Values, n => n.TxBytes),
            BlockReadBytes = read,
            BlockWriteBytes = write,
            Pids = response.PidsStats?.Current ?? 0,
        };
    }

    // cgroup v1 writes the op capitalised ("Read"), v2 in lower case ("read"); "Total" and "Sync"/"Async" entries
    // would count the same bytes twice and are left out.
    private static (ulong Read, ulong Write) BlockBytes(IEnumerable<BlkioStatEntry>? entries)
    {
        ulong read = 0, write = 0;
        foreach (var entry in entries ?? [])
        {
            if (string.Equals(entry.Op, "read", StringComparison.OrdinalIgnoreCase))
            {
                read += entry.Value;
            }
            else if (string.Equals(entry.Op, "write", StringComparison.OrdinalIgnoreCase))
            {
                write += entry.Value;
            }
        }

        return (read, write);
    }

    private static ulong Sum<T>(IEnumerable<T>? items, Func<T, ulong> value)
    {
        ulong total = 0;
        foreach (var item in items ?? [])
        {
            total += value(item);
        }

        return total;
    }
}
