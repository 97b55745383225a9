using System.Formats.Tar;
using System.Security.Cryptography;
using GoForge.Core.Backups.Engines;
using GoForge.Tests.Harness;

namespace GoForge.Tests.Backups;

/// <summary>The PostgreSQL archive's layout: a plain tar whose dump parts read back as the one dump they were cut from.</summary>
public sealed class PostgresArchiveTests
{
    [Fact]
    public async Task A_dump_cut_into_parts_reads_back_whole_and_the_tar_tool_lists_the_globals_then_the_parts()
    {
        var dump = RandomNumberGenerator.GetBytes((2 * PostgresArchive.ChunkSize) + 12345);
        var path = Path.Combine(Path.GetTempPath(), $"goforge-archive-{Guid.NewGuid():N}.tar");
        try
        {
            await using (var file = File.Create(path))
            {
                await using var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: true);
                using (var globals = new MemoryStream("CREATE ROLE r;\n"u8.ToArray()))
                {
                    await tar.WriteEntryAsync(PostgresArchive.Entry(PostgresArchive.GlobalsEntry, globals));
                }

                await using var writer = new PostgresArchive.ChunkWriter(tar);
                // Odd-sized writes, as an exec's output arrives.
                for (var at = 0; at < dump.Length; at += 81920 - 7)
                {
                    await writer.WriteAsync(dump.AsMemory(at, Math.Min(81920 - 7, dump.Length - at)));
                }

                await writer.CompleteAsync(CancellationToken.None);
            }

            byte[] readBack;
            await using (var file = File.OpenRead(path))
            {
                await using var reader = new TarReader(file);
                var globals = await reader.GetNextEntryAsync();
                Assert.Equal(PostgresArchive.GlobalsEntry, globals?.Name);
                var first = await reader.GetNextEntryAsync();
                Assert.NotNull(first);
                await using var parts = new PostgresArchive.ChunkReader(reader, first);
                using var copy = new MemoryStream();
                await parts.CopyToAsync(copy);
                readBack = copy.ToArray();
            }

            var listing = await ProcessRunner.RunAsync("tar", ["-tf", path], TimeSpan.FromSeconds(30));
            Assert.Equal(SHA256.HashData(dump), SHA256.HashData(readBack));
            Assert.Equal(["globals.sql", "database.pgdump.000000", "database.pgdump.000001", "database.pgdump.000002"], listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
