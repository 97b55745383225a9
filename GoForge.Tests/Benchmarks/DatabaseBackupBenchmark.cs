using System.Diagnostics;
using System.Globalization;
using GoForge.Tests.Backups;
using GoForge.Tests.Harness;
using Xunit.Abstractions;

namespace GoForge.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions: a ~1 GB PostgreSQL database (rows of random hex from generate_series, in the local
/// postgres:17 image started from the shipped template) backed up by the engine through Docker's exec into a stream
/// that counts and discards, with this process's resident memory sampled every 50 ms before and during the backup.
/// Streaming keeps it flat: the archive goes through one 4 MiB part and the exec's 80 KiB buffers.
/// Run with <c>dotnet test GoForge.Tests -c Release --filter FullyQualifiedName~DatabaseBackupBenchmark</c>.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(DockerCollection.Name)]
public sealed class DatabaseBackupBenchmark(DockerFixture docker, ITestOutputHelper output)
{
    private const long TargetBytes = 1024L * 1024 * 1024;

    [Fact]
    public async Task Backing_up_a_1_GB_postgres_database_streams_with_flat_panel_memory()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var ct = timeout.Token;
        await using var db = await CatalogDatabase.StartAsync(docker, "postgresql", LocalImages.PostgresAsync, ct);
        var psql = new Dictionary<string, string>
        {
            ["PGUSER"] = db.Target.Inputs["user"],
            ["PGPASSWORD"] = db.Target.Inputs["password"],
            ["PGDATABASE"] = db.Target.Inputs["db"],
        };
        // About 250 bytes a row on disk: 4.3 million rows make ~1 GB. Hex halves under pg_dump's compression.
        var generate = Stopwatch.StartNew();
        await db.RunAsync(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"], psql, ct, """
            CREATE TABLE big AS
              SELECT g AS id, md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) AS payload
              FROM generate_series(1, 4300000) g;
            """);
        var size = long.Parse((await db.RunAsync(["psql", "-X", "-At", "-h", "127.0.0.1", "-c", "SELECT pg_database_size(current_database())"], psql, ct)).Trim(), CultureInfo.InvariantCulture);
        output.WriteLine($"database: {size / 1e6:0} MB ({size / (double)TargetBytes:0.00} GiB), generated in {generate.Elapsed.TotalSeconds:0} s");

        GC.Collect();
        var before = ProcMemory.Self();
        var peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var samples = new List<ProcMemory>();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                samples.Add(ProcMemory.Self());
                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);

        var archive = new CountingNullStream();
        var watch = Stopwatch.StartNew();
        await db.Engine.BackupAsync(db.Target, archive, ct);
        watch.Stop();
        await sampling.CancelAsync();
        await sampler;

        var seconds = watch.Elapsed.TotalSeconds;
        var peakDuring = samples.Max(s => s.RssKb);
        output.WriteLine($"backup: {archive.Length / 1e6:0} MB archive in {seconds:0.0} s = {archive.Length / 1e6 / seconds:0.0} MB/s of archive, {size / 1e6 / seconds:0.0} MB/s of database");
        output.WriteLine($"panel (this process) resident memory: {before.RssKb / 1024} MiB before (anon {before.AnonKb / 1024} MiB), peak {peakDuring / 1024} MiB during (anon {samples.Max(s => s.AnonKb) / 1024} MiB), {samples.Count} samples");
        output.WriteLine($"peak working set of the process: {peakBefore / (1024 * 1024)} MiB before, {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB after");
        Assert.True(archive.Length > 0);
    }

    private sealed class CountingNullStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
