using System.Globalization;

namespace GoForge.Tests.Benchmarks;

/// <summary>The figures a benchmark prints for a set of timings: count, p50, p95, p99 and max (nearest rank).</summary>
internal static class Latencies
{
    public static string Describe(IEnumerable<TimeSpan> timings) => Describe(timings.Select(t => t.TotalMilliseconds));

    public static string Describe(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToList();
        if (sorted.Count == 0)
        {
            return "n=0";
        }

        double At(double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
        return string.Create(CultureInfo.InvariantCulture,
            $"n={sorted.Count} p50 {At(0.5):0.00} ms, p95 {At(0.95):0.00} ms, p99 {At(0.99):0.00} ms, max {sorted[^1]:0.00} ms");
    }
}
