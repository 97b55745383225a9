using System.Globalization;

namespace GoForge.Tests.Harness;

/// <summary>
/// A process's resident memory from <c>/proc/&lt;pid&gt;/status</c>, in KiB: all of it, anonymous (heaps, stacks),
/// file-backed (mapped assemblies) and shared memory (.NET's W^X double mapping of JIT-compiled code).
/// </summary>
internal sealed record ProcMemory(long RssKb, long AnonKb, long FileKb, long ShmemKb)
{
    public static ProcMemory Read(int pid)
    {
        long rss = 0, anon = 0, file = 0, shmem = 0;
        foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line);
            }
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anon = Kb(line);
            }
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
            {
                file = Kb(line);
            }
            else if (line.StartsWith("RssShmem:", StringComparison.Ordinal))
            {
                shmem = Kb(line);
            }
        }

        return new ProcMemory(rss, anon, file, shmem);
    }

    public static ProcMemory Self() => Read(Environment.ProcessId);

    /// <summary>The median of each figure on its own.</summary>
    public static ProcMemory Median(IReadOnlyList<ProcMemory> samples) =>
        new(MedianOf(samples.Select(s => s.RssKb)), MedianOf(samples.Select(s => s.AnonKb)), MedianOf(samples.Select(s => s.FileKb)), MedianOf(samples.Select(s => s.ShmemKb)));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"RSS {RssKb / 1024.0:F1} MB (anon {AnonKb / 1024.0:F1}, file {FileKb / 1024.0:F1}, shmem {ShmemKb / 1024.0:F1} MB)");

    private static long MedianOf(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    // "VmRSS:	  123456 kB"
    private static long Kb(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}
