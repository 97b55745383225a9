using System.Net;
using System.Text.Json;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Monitoring;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoForge.Tests.Monitoring;

/// <summary>
/// Recorded readings of the stats endpoint, read through Docker.DotNet's own client (a <see cref="RecordedEngine"/>
/// serves them), mapped, and the figures checked against the same numbers worked out by hand from the JSON.
/// <c>Fixtures/stats-cgroup-v1.json</c> was recorded from this machine's engine (Engine 20.10, cgroup v1) for a busybox
/// container with a 64 MiB limit that had written an 8 MiB file; <c>stats-cgroup-v2.json</c> follows the Docker
/// Engine API's ContainerStats example for a cgroup v2 host (inactive_file, no percpu_usage, online_cpus).
/// </summary>
public sealed class StatsMappingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Cgroup_v1_reading_recorded_from_the_engine_gives_the_docker_stats_figures()
    {
        var json = Fixture("stats-cgroup-v1.json");

        var stats = Assert.Single(await ReadThroughDockerDotNetAsync(json));

        // CPU % = (total_usage − precpu total_usage) / (system_cpu_usage − precpu system_cpu_usage) × online_cpus × 100
        //       = (1137143537 − 925277811) / (1826340000000 − 1824330000000) × 2 × 100
        const double ExpectedCpu = (1137143537.0 - 925277811.0) / (1826340000000.0 - 1824330000000.0) * 2 * 100;
        Assert.Equal(ExpectedCpu, StatsCalculator.CpuPercent(stats), precision: 9);
        Assert.Equal(21.08, StatsCalculator.CpuPercent(stats), precision: 2);

        // Memory used = usage − stats.total_inactive_file (cgroup v1) = 9396224 − 8388608; limit 64 MiB.
        Assert.Equal(9396224UL - 8388608UL, StatsCalculator.MemoryUsed(stats));
        Assert.Equal(67108864UL, stats.MemoryLimit);
        Assert.Equal((9396224.0 - 8388608.0) / 67108864.0 * 100, StatsCalculator.MemoryPercent(stats), precision: 9);

        Assert.Equal(2U, stats.OnlineCpus);
        Assert.Equal(2, stats.PerCpuCount);
        Assert.Equal(736UL, stats.NetworkRxBytes);
        Assert.Equal(0UL, stats.NetworkTxBytes);
        // This machine's kernel accounts no block I/O for the container: the recorded list is empty.
        Assert.Equal(0UL, stats.BlockReadBytes);
        Assert.Equal(0UL, stats.BlockWriteBytes);
        Assert.Equal(2UL, stats.Pids);
        // read "2026-12-01T07:43:10.389363656Z"; .NET keeps 100 ns ticks.
        Assert.InRange(stats.Read - new DateTimeOffset(2026, 12, 1, 7, 43, 10, 389, 363, TimeSpan.Zero), TimeSpan.Zero, TimeSpan.FromTicks(10));
        AssertMatchesJson(json, stats);
    }

    [Fact]
    public async Task Cgroup_v2_reading_gives_the_docker_stats_figures_from_inactive_file_and_online_cpus()
    {
        var json = Fixture("stats-cgroup-v2.json");

        var stats = Assert.Single(await ReadThroughDockerDotNetAsync(json));

        // CPU % = (29912000 − 18112000) / (5145780000000 − 5141760000000) × online_cpus 4 × 100 (no percpu_usage on v2).
        const double ExpectedCpu = (29912000.0 - 18112000.0) / (5145780000000.0 - 5141760000000.0) * 4 * 100;
        Assert.Equal(ExpectedCpu, StatsCalculator.CpuPercent(stats), precision: 9);
        Assert.Equal(0, stats.PerCpuCount);
        Assert.Equal(4U, stats.OnlineCpus);

        // Memory used = usage − stats.inactive_file (cgroup v2, no total_inactive_file) = 10330112 − 2510848.
        Assert.Equal(10330112UL - 2510848UL, StatsCalculator.MemoryUsed(stats));
        Assert.Equal((10330112.0 - 2510848.0) / 8217579520.0 * 100, StatsCalculator.MemoryPercent(stats), precision: 9);

        // Networks summed: eth0 + eth5; block I/O "read" and "write" summed over both devices.
        Assert.Equal(5338UL + 4641UL, stats.NetworkRxBytes);
        Assert.Equal(648UL + 690UL, stats.NetworkTxBytes);
        Assert.Equal(7593984UL + 1245184UL, stats.BlockReadBytes);
        Assert.Equal(100UL + 40960UL, stats.BlockWriteBytes);
        Assert.Equal(5UL, stats.Pids);
        AssertMatchesJson(json, stats);
    }

    [Fact]
    public void Block_io_ops_are_summed_whatever_their_case_and_totals_are_not_counted_twice()
    {
        var response = new ContainerStatsResponse
        {
            Read = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            BlkioStats = new BlkioStats
            {
                IoServiceBytesRecursive =
                [
                    new BlkioStatEntry { Major = 8, Minor = 0, Op = "Read", Value = 100 },
                    new BlkioStatEntry { Major = 8, Minor = 0, Op = "Write", Value = 10 },
                    new BlkioStatEntry { Major = 8, Minor = 0, Op = "Sync", Value = 110 },
                    new BlkioStatEntry { Major = 8, Minor = 0, Op = "Total", Value = 110 },
                    new BlkioStatEntry { Major = 8, Minor = 16, Op = "read", Value = 1 },
                    new BlkioStatEntry { Major = 8, Minor = 16, Op = "write", Value = 2 },
                ],
            },
        };

        var stats = StatsMapping.Map(response);

        Assert.Equal(101UL, stats.BlockReadBytes);
        Assert.Equal(12UL, stats.BlockWriteBytes);
    }

    [Fact]
    public async Task A_reading_with_the_zero_time_of_a_stopped_container_ends_the_stream()
    {
        var live = Fixture("stats-cgroup-v1.json").ReplaceLineEndings(string.Empty);
        var stopped = """{"read":"0001-01-01T00:00:00Z","preread":"2026-12-01T07:43:10.389363656Z","pids_stats":{},"memory_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":0}}}""";

        // The engine goes on sending such readings until the container is removed; the stream must not wait for that.
        var readings = await ReadThroughDockerDotNetAsync(live + "\n" + stopped + "\n" + stopped + "\n" + live + "\n");

        Assert.Single(readings);
    }

    [Fact]
    public async Task A_container_the_engine_does_not_know_ends_the_stream_at_once()
    {
        await using var engine = RecordedEngine.Serve(_ => (HttpStatusCode.NotFound, """{"message":"No such container: nope"}"""));
        using var provider = engine.Provider();

        var readings = await ToListAsync(new DockerStatsSource(provider, NullLogger<DockerStatsSource>.Instance).StreamAsync("nope"));

        Assert.Empty(readings);
    }

    [Fact]
    public async Task An_engine_error_is_an_EngineUnavailableException_with_the_engine_message()
    {
        await using var engine = RecordedEngine.Serve(_ => (HttpStatusCode.InternalServerError, """{"message":"cgroup read failed"}"""));
        using var provider = engine.Provider();

        var error = await Assert.ThrowsAsync<EngineException>(
            () => ToListAsync(new DockerStatsSource(provider, NullLogger<DockerStatsSource>.Instance).StreamAsync("c1")));

        Assert.Equal("cgroup read failed", error.Message);
    }

    [Fact]
    public async Task An_engine_that_does_not_listen_is_an_EngineUnavailableException()
    {
        int port;
        await using (var engine = RecordedEngine.Serve("{}"))
        {
            port = engine.Endpoint.Port;
        }

        using var provider = TestContainers.Provider(new Uri($"tcp://127.0.0.1:{port}"));

        await Assert.ThrowsAsync<EngineException>(
            () => ToListAsync(new DockerStatsSource(provider, NullLogger<DockerStatsSource>.Instance).StreamAsync("c1")));
    }

    internal static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Monitoring", "Fixtures", name));

    private static async Task<List<RawContainerStats>> ReadThroughDockerDotNetAsync(string body)
    {
        await using var engine = RecordedEngine.Serve(body);
        using var provider = engine.Provider();
        var readings = await ToListAsync(new DockerStatsSource(provider, NullLogger<DockerStatsSource>.Instance).StreamAsync("recorded"));
        Assert.Equal(["GET /containers/recorded/stats?stream=1 HTTP/1.1"], engine.Requests);
        return readings;
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var list = new List<T>();
        await foreach (var item in items.WithCancellation(timeout.Token))
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Every counter equals the JSON's own number, read here without Docker.DotNet.</summary>
    private static void AssertMatchesJson(string json, RawContainerStats stats)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var cpu = root.GetProperty("cpu_stats");
        var preCpu = root.GetProperty("precpu_stats");
        var memory = root.GetProperty("memory_stats");
        Assert.Equal(cpu.GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64(), stats.CpuTotalUsage);
        Assert.Equal(preCpu.GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64(), stats.PreCpuTotalUsage);
        Assert.Equal(cpu.GetProperty("system_cpu_usage").GetUInt64(), stats.SystemCpuUsage);
        Assert.Equal(preCpu.GetProperty("system_cpu_usage").GetUInt64(), stats.PreSystemCpuUsage);
        Assert.Equal(memory.GetProperty("usage").GetUInt64(), stats.MemoryUsage);
        Assert.Equal(memory.GetProperty("limit").GetUInt64(), stats.MemoryLimit);
        var expectedStats = memory.GetProperty("stats").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetUInt64());
        Assert.Equal(expectedStats.OrderBy(p => p.Key), stats.MemoryStats.OrderBy(p => p.Key));
    }
}
