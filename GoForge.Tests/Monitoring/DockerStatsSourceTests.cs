using Docker.DotNet.Models;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Monitoring;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoForge.Tests.Monitoring;

[Collection(DockerCollection.Name)]
public sealed class DockerStatsSourceTests(DockerFixture fixture) : IDisposable
{
    // Keeps one core partly busy, so CPU readings are not all zero.
    private const string BusyScript = "while true; do i=0; while [ $i -lt 5000 ]; do i=$((i+1)); done; sleep 0.1; done";
    private readonly DockerClientProvider _provider = TestContainers.Provider(fixture.Endpoint);

    private DockerStatsSource Source => new(_provider, NullLogger<DockerStatsSource>.Instance);

    [Fact]
    public async Task Running_container_reports_cpu_within_the_cores_and_memory_within_the_limit()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(fixture.Client, BusyScript, ct: timeout.Token);

            var readings = await Source.StreamAsync(id, timeout.Token).Take(3).ToListAsync(timeout.Token);

            Assert.Equal(3, readings.Count);
            var cores = Environment.ProcessorCount;
            RawContainerStats? previous = null;
            foreach (var reading in readings)
            {
                var sample = StatsCalculator.Sample(previous, reading);
                Assert.InRange(sample.CpuPercent, 0, 100.0 * cores);
                Assert.InRange(sample.MemoryUsedBytes, 1UL, sample.MemoryLimitBytes);
                Assert.True(sample.Pids >= 1, $"pids {sample.Pids}");
                previous = reading;
            }

            Assert.True(readings[^1].Read > readings[0].Read);
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Container_started_with_a_memory_limit_reports_that_limit()
    {
        const long Limit = 48L * 1024 * 1024;
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", memoryBytes: Limit, ct: timeout.Token);

            var reading = await Source.StreamAsync(id, timeout.Token).FirstAsync(timeout.Token);

            Assert.Equal((ulong)Limit, reading.MemoryLimit);
            Assert.InRange(StatsCalculator.MemoryPercent(reading), 0, 100);
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Stream_ends_after_the_container_is_removed()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", ct: timeout.Token);
            await using var readings = Source.StreamAsync(id, timeout.Token).GetAsyncEnumerator(timeout.Token);
            Assert.True(await readings.MoveNextAsync());

            await TestContainers.RemoveAsync(fixture.Client, id);

            // Whatever readings were still on their way, the sequence then completes on its own.
            while (await readings.MoveNextAsync())
            {
            }
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Stream_of_a_container_that_exits_ends()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", ct: timeout.Token);
            await using var readings = Source.StreamAsync(id, timeout.Token).GetAsyncEnumerator(timeout.Token);
            Assert.True(await readings.MoveNextAsync());

            await fixture.Client.Containers.KillContainerAsync(id, new ContainerKillParameters(), timeout.Token);

            while (await readings.MoveNextAsync())
            {
            }

            Assert.Equal("exited", (await fixture.Client.Containers.InspectContainerAsync(id, timeout.Token)).State?.Status);
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    [Fact]
    public async Task Cancel_stops_the_stream_promptly()
    {
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(TestContainers.Timeout);
            id = await TestContainers.RunAsync(fixture.Client, "exec sleep 600", ct: timeout.Token);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            await using var readings = Source.StreamAsync(id, cancel.Token).GetAsyncEnumerator(cancel.Token);
            Assert.True(await readings.MoveNextAsync());

            await cancel.CancelAsync();

            // The next step ends in the cancellation rather than the next reading; the bound only keeps a hang from
            // stalling the run.
            var next = readings.MoveNextAsync().AsTask();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await TestContainers.RemoveAsync(fixture.Client, id);
        }
    }

    public void Dispose() => _provider.Dispose();
}
