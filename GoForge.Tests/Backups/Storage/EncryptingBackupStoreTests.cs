using System.Security.Cryptography;
using System.Text;
using GoForge.Core.Backups;
using GoForge.Infrastructure.Backups.Storage;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoForge.Tests.Backups.Storage;

/// <summary>
/// Client-side AES-256-GCM encryption around the real S3 store (s3rver): round trips, and every kind of damage to a
/// stored archive (a flipped byte, a cut, reordered chunks, another key) refused when it is read.
/// </summary>
public sealed class EncryptingBackupStoreTests(S3Server server) : IClassFixture<S3Server>, IDisposable
{
    private const int Chunk = 64 * 1024;
    private const int Record = Chunk + 16;
    private const int Header = 20;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly S3BackupStore _inner = new(server.Settings($"encrypted/{Guid.NewGuid():N}"), NullLogger<S3BackupStore>.Instance);

    private EncryptingBackupStore Store => new(_inner, _key);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(4 * Chunk)]
    [InlineData(3_000_123)]
    [InlineData(S3BackupStore.PartSize + 100_000)]
    public async Task An_archive_round_trips_and_is_stored_as_header_plus_one_tagged_record_per_chunk(int length)
    {
        var stored = await Store.WriteAsync("db.dump", new PatternStream(length, seed: length));

        // Every full chunk is followed by a shorter final one (empty when the length is a multiple of the chunk size).
        var records = (length / Chunk) + 1;
        Assert.Equal(Header + length + (16L * records), stored);
        Assert.Equal(stored, Assert.Single(await Store.ListAsync("")).Bytes);
        Assert.Equal(PatternStream.Sha256Of(length, seed: length), await DecryptedHashAsync("db.dump"));
    }

    [Fact]
    public async Task The_stored_archive_is_ciphertext_under_the_documented_header_with_a_fresh_nonce_prefix_each_time()
    {
        var plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("CREATE TABLE secrets (value text); ", 4000)));
        await Store.WriteAsync("one.dump", new MemoryStream(plain));
        await Store.WriteAsync("two.dump", new MemoryStream(plain));

        var one = await RawAsync("one.dump");
        var two = await RawAsync("two.dump");
        Assert.Equal("GFBACKUP"u8.ToArray(), one[..8]);
        Assert.Equal(1, one[8]);
        Assert.Equal(new byte[] { 0, 1, 0, 0 }, one[9..13]);
        Assert.NotEqual(one[13..20], two[13..20]);
        Assert.NotEqual(one[20..], two[20..]);
        Assert.DoesNotContain("CREATE TABLE", Encoding.Latin1.GetString(one), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)] // the chunk size in the header
    [InlineData(15)] // the nonce prefix
    [InlineData(Header + 5)] // the first chunk's ciphertext
    [InlineData(Header + Chunk + 3)] // the first chunk's tag
    [InlineData(Header + (2 * Record) + 100)] // a chunk in the middle
    [InlineData(-1)] // the final chunk's tag
    public async Task Flipping_one_stored_byte_fails_the_read(int offset)
    {
        await Store.WriteAsync("db.dump", new PatternStream((4 * Chunk) + 500));
        var raw = await RawAsync("db.dump");
        raw[offset < 0 ? raw.Length + offset : offset] ^= 0x01;
        await ReplaceRawAsync("db.dump", raw);

        await Assert.ThrowsAsync<BackupStoreException>(() => DecryptedHashAsync("db.dump"));
    }

    [Theory]
    [InlineData(Header + (4 * Record), "ends before its final chunk")] // cut at a record boundary: the final chunk is gone
    [InlineData(Header + (2 * Record) + 1000, "altered or truncated")] // cut inside a record
    [InlineData(Header, "ends before its final chunk")] // the header alone
    [InlineData(12, "not an archive encrypted by GoForge")] // inside the header
    public async Task A_truncated_archive_fails_the_read(int keep, string error)
    {
        await Store.WriteAsync("db.dump", new PatternStream((4 * Chunk) + 500));
        await ReplaceRawAsync("db.dump", (await RawAsync("db.dump"))[..keep]);

        var failure = await Assert.ThrowsAsync<BackupStoreException>(() => DecryptedHashAsync("db.dump"));
        Assert.Contains(error, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reordered_chunks_or_bytes_appended_after_the_final_chunk_fail_the_read()
    {
        await Store.WriteAsync("db.dump", new PatternStream((4 * Chunk) + 500));
        var raw = await RawAsync("db.dump");
        var swapped = (byte[])raw.Clone();
        raw.AsSpan(Header + Record, Record).CopyTo(swapped.AsSpan(Header + (2 * Record)));
        raw.AsSpan(Header + (2 * Record), Record).CopyTo(swapped.AsSpan(Header + Record));
        await ReplaceRawAsync("swapped.dump", swapped);
        await ReplaceRawAsync("appended.dump", [.. raw, 0x00]);

        Assert.Contains("at chunk 1", (await Assert.ThrowsAsync<BackupStoreException>(() => DecryptedHashAsync("swapped.dump"))).Message, StringComparison.Ordinal);
        Assert.Contains("at chunk 4", (await Assert.ThrowsAsync<BackupStoreException>(() => DecryptedHashAsync("appended.dump"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_key_or_an_unencrypted_archive_is_refused_when_opened()
    {
        await Store.WriteAsync("db.dump", new PatternStream(1000));
        await _inner.WriteAsync("plain.dump", new PatternStream(1000));
        var otherKey = new EncryptingBackupStore(_inner, RandomNumberGenerator.GetBytes(32));

        var wrongKey = await Assert.ThrowsAsync<BackupStoreException>(() => otherKey.OpenReadAsync("db.dump"));
        var plain = await Assert.ThrowsAsync<BackupStoreException>(() => Store.OpenReadAsync("plain.dump"));

        Assert.Contains("the key is wrong", wrongKey.Message, StringComparison.Ordinal);
        Assert.Contains("not an archive encrypted by GoForge", plain.Message, StringComparison.Ordinal);
        Assert.Throws<BackupStoreException>(() => new EncryptingBackupStore(_inner, new byte[16]));
        Assert.Same(_inner, EncryptingBackupStore.Wrap(_inner, null));
    }

    [Fact]
    public async Task The_documented_decryptor_restores_an_archive_without_GoForge_and_refuses_a_tampered_one()
    {
        var python = HostSystem.FindOnPath("python3") ?? throw new InvalidOperationException("python3 is not installed (deploy/test.sh installs python3-cryptography).");
        var script = RepositoryFiles.PathOf("deploy", "decrypt-backup.py");
        var folder = Directory.CreateTempSubdirectory("goforge-decrypt-").FullName;
        try
        {
            const int length = (3 * Chunk) + 77;
            await Store.WriteAsync("db.dump", new PatternStream(length, seed: 3));
            var raw = await RawAsync("db.dump");
            await File.WriteAllBytesAsync(Path.Combine(folder, "key"), _key);
            await File.WriteAllTextAsync(Path.Combine(folder, "key.hex"), Convert.ToHexString(_key) + "\n");
            await File.WriteAllBytesAsync(Path.Combine(folder, "db.dump.enc"), raw);
            raw[Header + Record + 10] ^= 0x80;
            await File.WriteAllBytesAsync(Path.Combine(folder, "tampered.enc"), raw);

            (await ProcessRunner.RunAsync(python, [script, Path.Combine(folder, "key"), Path.Combine(folder, "db.dump.enc"), Path.Combine(folder, "db.dump")], TimeSpan.FromSeconds(60))).EnsureSuccess();
            (await ProcessRunner.RunAsync(python, [script, Path.Combine(folder, "key.hex"), Path.Combine(folder, "db.dump.enc"), Path.Combine(folder, "hex.dump")], TimeSpan.FromSeconds(60))).EnsureSuccess();
            var tampered = await ProcessRunner.RunAsync(python, [script, Path.Combine(folder, "key"), Path.Combine(folder, "tampered.enc"), Path.Combine(folder, "tampered.dump")], TimeSpan.FromSeconds(60));

            Assert.Equal(PatternStream.Sha256Of(length, seed: 3), SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(folder, "db.dump"))));
            Assert.Equal(PatternStream.Sha256Of(length, seed: 3), SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(folder, "hex.dump"))));
            Assert.NotEqual(0, tampered.ExitCode);
            Assert.Contains("chunk 1 is not authentic", tampered.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public void Dispose() => _inner.Dispose();

    private async Task<byte[]> DecryptedHashAsync(string key)
    {
        await using var read = await Store.OpenReadAsync(key);
        return await SHA256.HashDataAsync(read);
    }

    private async Task<byte[]> RawAsync(string key)
    {
        await using var read = await _inner.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task ReplaceRawAsync(string key, byte[] raw) => await _inner.WriteAsync(key, new MemoryStream(raw));
}
