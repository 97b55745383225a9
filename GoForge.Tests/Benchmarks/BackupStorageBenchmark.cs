using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using GoForge.Core.Backups;
using GoForge.Infrastructure.Backups.Storage;
using GoForge.Tests.Backups.Storage;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions: a 256 MiB archive of unknown length streamed to the real S3 server (s3rver on loopback),
/// plain and through the encrypting store, then read back; throughput and the test process's resident memory
/// (sampled every 20 ms) above its level before the run, which must stay flat whatever the archive's size.
/// Run with <c>bash deploy/test.sh --filter FullyQualifiedName~BackupStorageBenchmark</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class BackupStorageBenchmark(S3Server server, ITestOutputHelper output) : IClassFixture<S3Server>
{
    private const long Length = 256L * 1024 * 1024;
    private const int Runs = 3;

    [Fact]
    public async Task S3_upload_and_read_back_of_256_MiB_plain_and_encrypted()
    {
        using var s3 = new S3BackupStore(server.Settings($"bench/{Guid.NewGuid():N}"), NullLogger<S3BackupStore>.Instance);
        var encrypted = new EncryptingBackupStore(s3, RandomNumberGenerator.GetBytes(32));
        var generator = await MeasureAsync("source alone (generating the bytes)", async () =>
        {
            await using var source = new PatternStream(Length);
            await source.CopyToAsync(Stream.Null);
        });

        foreach (var (name, store) in new (string, IBackupStore)[] { ("plain", s3), ("encrypted", encrypted) })
        {
            for (var run = 1; run <= Runs; run++)
            {
                var key = $"{name}-{run}.dump";
                await MeasureAsync($"{name} upload, run {run}", () => store.WriteAsync(key, new PatternStream(Length)));
                await MeasureAsync($"{name} read back, run {run}", async () =>
                {
                    await using var read = await store.OpenReadAsync(key);
                    await read.CopyToAsync(Stream.Null);
                });
                await store.DeleteAsync(key);
            }
        }

        output.WriteLine($"(the generator alone runs at {Mib(Length) / generator.TotalSeconds:0} MiB/s; s3rver writes parts to disk, then copies them into the object)");
    }

    private async Task<TimeSpan> MeasureAsync(string what, Func<Task> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = ProcMemory.Read(Environment.ProcessId).RssKb;
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcMemory.Read(Environment.ProcessId).RssKb);
                await Task.Delay(20, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();
        await action();
        clock.Stop();
        await stop.CancelAsync();
        await sampler;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {clock.Elapsed.TotalSeconds:0.00} s, {Mib(Length) / clock.Elapsed.TotalSeconds:0} MiB/s, resident memory {before / 1024} MiB before, peak +{(peak - before) / 1024} MiB"));
        return clock.Elapsed;
    }

    private static double Mib(long bytes) => bytes / (1024.0 * 1024.0);
}
