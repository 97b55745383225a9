using GoForge.Infrastructure.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace GoForge.Tests.Monitoring;

public sealed class ProcHostMetricsTests : IDisposable
{
    private readonly DirectoryInfo _proc = Directory.CreateTempSubdirectory("goforge-proc-");

    [Fact]
    public void Cpu_is_the_busy_share_of_the_ticks_since_the_previous_read_and_memory_is_total_minus_available()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var metrics = new ProcHostMetrics(time, _proc.FullName);
        WriteMemInfo(total: 24_576_000, available: 20_000_000);
        // user nice system idle iowait irq softirq steal guest guest_nice
        WriteStat("cpu  1000 0 500 8000 500 0 0 0 0 0");

        var first = metrics.Read();

        WriteStat("cpu  1300 0 600 8500 600 0 0 0 0 0");
        var second = metrics.Read();

        Assert.Equal(0, first.CpuPercent);
        // Δtotal = (1300+600+8500+600) − (1000+500+8000+500) = 1000; Δidle (idle + iowait) = 9100 − 8500 = 600.
        Assert.Equal((1000.0 - 600.0) / 1000.0 * 100, second.CpuPercent, precision: 9);
        Assert.Equal((24_576_000UL - 20_000_000UL) * 1024, second.MemoryUsedBytes);
        Assert.Equal(24_576_000UL * 1024, second.MemoryTotalBytes);
        Assert.Equal(Environment.ProcessorCount, second.Cores);
        Assert.Equal(time.GetUtcNow(), second.Time);
    }

    [Fact]
    public void Counters_that_did_not_move_read_as_idle()
    {
        var metrics = new ProcHostMetrics(TimeProvider.System, _proc.FullName);
        WriteMemInfo(total: 1000, available: 400);
        WriteStat("cpu  10 0 10 100 0 0 0 0 0 0");

        metrics.Read();
        var again = metrics.Read();

        Assert.Equal(0, again.CpuPercent);
    }

    [Fact]
    public void Real_proc_reads_memory_and_a_cpu_share_within_bounds()
    {
        var metrics = new ProcHostMetrics(TimeProvider.System);

        metrics.Read();
        var sample = metrics.Read();

        Assert.True(sample.MemoryTotalBytes > 0);
        Assert.InRange(sample.MemoryUsedBytes, 1UL, sample.MemoryTotalBytes);
        Assert.InRange(sample.CpuPercent, 0, 100);
        Assert.True(sample.Cores >= 1);
    }

    [Fact]
    public void Concurrent_reads_never_give_a_share_outside_0_to_100()
    {
        var metrics = new ProcHostMetrics(TimeProvider.System);

        var samples = Enumerable.Range(0, 64).AsParallel().Select(_ => metrics.Read()).ToList();

        Assert.All(samples, s => Assert.InRange(s.CpuPercent, 0, 100));
    }

    public void Dispose() => _proc.Delete(recursive: true);

    private void WriteStat(string cpuLine) => File.WriteAllText(Path.Combine(_proc.FullName, "stat"), cpuLine + "\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 1\n");

    private void WriteMemInfo(ulong total, ulong available) => File.WriteAllText(
        Path.Combine(_proc.FullName, "meminfo"),
        $"MemTotal:       {total} kB\nMemFree:        1 kB\nMemAvailable:   {available} kB\nBuffers:        0 kB\n");
}
