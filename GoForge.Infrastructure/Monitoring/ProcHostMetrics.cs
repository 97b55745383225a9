using System.Globalization;
using GoForge.Core.Monitoring;

namespace GoForge.Infrastructure.Monitoring;

/// <summary>
/// The host's CPU and memory from Linux's <c>/proc</c>: CPU % from the change of <c>/proc/stat</c>'s first line since
/// the previous call (so two dashboards reading at once each see a share of one interval, never a negative one), and
/// memory as <c>MemTotal − MemAvailable</c> of <c>/proc/meminfo</c>, as <c>free</c> counts "used".
/// </summary>
public sealed class ProcHostMetrics : IHostMetrics
{
    private readonly string _procRoot;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private CpuTimes? _previous;

    public ProcHostMetrics(TimeProvider time)
        : this(time, "/proc")
    {
    }

    /// <summary>For tests: a folder holding <c>stat</c> and <c>meminfo</c> files in /proc's format.</summary>
    internal ProcHostMetrics(TimeProvider time, string procRoot)
    {
        _time = time;
        _procRoot = procRoot;
    }

    public HostSample Read()
    {
        var now = CpuTimes.Parse(File.ReadLines(Path.Combine(_procRoot, "stat")).FirstOrDefault() ?? string.Empty);
        double cpuPercent;
        lock (_gate)
        {
            cpuPercent = _previous is { } before ? CpuPercent(before, now) : 0;
            _previous = now;
        }

        var (total, available) = ReadMemory(Path.Combine(_procRoot, "meminfo"));
        return new HostSample(_time.GetUtcNow(), cpuPercent, total > available ? total - available : 0, total, Environment.ProcessorCount);
    }

    internal static double CpuPercent(CpuTimes before, CpuTimes now)
    {
        if (now.Total <= before.Total || now.Idle < before.Idle)
        {
            return 0;
        }

        var total = (double)(now.Total - before.Total);
        var idle = (double)(now.Idle - before.Idle);
        return Math.Clamp((total - idle) / total * 100.0, 0, 100);
    }

    private static (ulong Total, ulong Available) ReadMemory(string path)
    {
        ulong total = 0, available = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = Kilobytes(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = Kilobytes(line);
            }
        }

        return (total, available);
    }

    // "MemTotal:       24576000 kB"
    private static ulong Kilobytes(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
    }

    /// <summary>The first line of /proc/stat, in clock ticks: everything, and the idle part (idle + iowait).</summary>
    internal readonly record struct CpuTimes(ulong Total, ulong Idle)
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is already in user.
        public static CpuTimes Parse(string line)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5 || fields[0] != "cpu")
            {
                return default;
            }

            ulong total = 0;
            for (var i = 1; i < Math.Min(fields.Length, 9); i++)
            {
                total += ulong.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : 0;
            }

            var idle = ulong.Parse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture)
                + (fields.Length > 5 && ulong.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var iowait) ? iowait : 0);
            return new CpuTimes(total, idle);
        }
    }
}
