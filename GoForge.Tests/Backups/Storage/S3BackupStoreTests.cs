using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using GoForge.Core.Backups;
using GoForge.Infrastructure.Backups.Storage;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GoForge.Tests.Backups.Storage;

/// <summary>The S3 store against a real S3-compatible server (s3rver, checking SigV4), one server for the class.</summary>
public sealed class S3BackupStoreTests(S3Server server) : IClassFixture<S3Server>, IDisposable
{
    private readonly CapturedLogs _logs = new();
    private readonly string _prefix = $"tests/{Guid.NewGuid():N}";
    private readonly List<IDisposable> _owned = [];

    public static TheoryData<string> HostileKeys => new()
    {
        "..",
        "../escape.dump",
        "service/../../escape.dump",
        "/absolute.dump",
        "a//b.dump",
        "a\\b.dump",
        "line\nbreak.dump",
        "nul\0.dump",
        "./here.dump",
        "",
        new string('k', 600),
    };

    [Fact]
    public async Task A_stream_of_unknown_length_over_several_parts_is_stored_listed_read_back_identically_and_deleted()
    {
        var store = Store();
        long length = (2 * S3BackupStore.PartSize) + 123_457;

        var stored = await store.WriteAsync("svc/2026-12-07.dump", new PatternStream(length, seed: 7));

        Assert.Equal(length, stored);
        var listed = Assert.Single(await store.ListAsync("svc/"));
        Assert.Equal("svc/2026-12-07.dump", listed.Key);
        Assert.Equal(length, listed.Bytes);
        Assert.True(listed.LastModified > DateTimeOffset.UtcNow.AddHours(-1));
        await using (var read = await store.OpenReadAsync("svc/2026-12-07.dump"))
        {
            Assert.Equal(PatternStream.Sha256Of(length, seed: 7), await SHA256.HashDataAsync(read));
        }

        Assert.Empty(await PendingUploadsAsync());
        await store.DeleteAsync("svc/2026-12-07.dump");
        Assert.Empty(await store.ListAsync(""));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenReadAsync("svc/2026-12-07.dump"));
        await store.DeleteAsync("svc/2026-12-07.dump"); // Deleting what is gone is not an error.
    }

    [Fact]
    public async Task Archives_are_kept_under_the_destination_prefix_and_listed_relative_to_it()
    {
        var store = Store();
        var other = Store($"{_prefix}-other");
        await store.WriteAsync("a/one.dump", new PatternStream(10));
        await store.WriteAsync("b/two.dump", new PatternStream(0));
        await other.WriteAsync("a/three.dump", new PatternStream(5));

        Assert.Equal(["a/one.dump", "b/two.dump"], (await store.ListAsync("")).Select(a => a.Key).Order());
        Assert.Equal(["a/one.dump"], (await store.ListAsync("a/")).Select(a => a.Key));
        Assert.Equal(0, (await store.ListAsync("b")).Single().Bytes);
        using var client = server.Client();
        var objects = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3Server.Bucket, Prefix = _prefix + "/" });
        Assert.Equal([$"{_prefix}/a/one.dump", $"{_prefix}/b/two.dump"], objects.S3Objects.Select(o => o.Key).Order());
    }

    [Fact]
    public async Task A_listing_follows_every_page()
    {
        var store = Store();
        var paged = new S3BackupStore(server.Settings(_prefix), NullLogger<S3BackupStore>.Instance) { ListPageSize = 2 };
        _owned.Add(paged);
        string[] keys = ["a.dump", "b.dump", "c.dump", "d.dump", "e.dump"];
        foreach (var key in keys)
        {
            await store.WriteAsync(key, new PatternStream(3));
        }

        Assert.Equal(keys, (await paged.ListAsync("")).Select(a => a.Key).Order());
    }

    [Fact]
    public async Task A_wrong_secret_key_is_refused_with_a_clear_error_that_never_contains_a_secret()
    {
        var wrong = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        var store = Store(secret: wrong);

        var write = await Assert.ThrowsAsync<BackupStoreException>(() => store.WriteAsync("x.dump", new PatternStream(1000)));
        var list = await Assert.ThrowsAsync<BackupStoreException>(() => store.ListAsync(""));

        foreach (var error in new[] { write, list })
        {
            Assert.Contains("secret access key was refused", error.Message, StringComparison.Ordinal);
            Assert.Contains(S3Server.Bucket, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(server.SecretAccessKey, error.ToString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(_logs.Messages, m => m.Contains(wrong, StringComparison.Ordinal));
        Assert.Empty(await Store().ListAsync(""));
    }

    [Theory]
    [MemberData(nameof(HostileKeys))]
    public async Task A_hostile_key_is_refused_before_any_request(string key)
    {
        var store = Store();

        await Assert.ThrowsAsync<BackupStoreException>(() => store.WriteAsync(key, new PatternStream(10)));
        await Assert.ThrowsAsync<BackupStoreException>(() => store.OpenReadAsync(key));
        await Assert.ThrowsAsync<BackupStoreException>(() => store.DeleteAsync(key));
        Assert.Empty(await store.ListAsync(""));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("/root")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("tab\there")]
    public async Task A_hostile_destination_prefix_or_list_prefix_is_refused(string prefix)
    {
        Assert.Throws<BackupStoreException>(() => Store(prefix));
        await Assert.ThrowsAsync<BackupStoreException>(() => Store().ListAsync(prefix));
    }

    [Fact]
    public async Task A_source_that_fails_midway_leaves_no_object_and_no_pending_multipart_upload()
    {
        var store = Store();
        var source = new PatternStream(4L * S3BackupStore.PartSize, failAfter: (2L * S3BackupStore.PartSize) + 1000);

        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("failed.dump", source));

        Assert.Empty(await store.ListAsync(""));
        Assert.Empty(await PendingUploadsAsync());
        Assert.Empty(PartsOnDisk());
        Assert.Contains(_logs.Messages, m => m.Contains("multipart upload", StringComparison.Ordinal) && m.Contains("aborted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_write_canceled_midway_leaves_no_object_and_no_pending_multipart_upload()
    {
        var store = Store();
        using var cancel = new CancellationTokenSource();
        var source = new CancelingStream(new PatternStream(4L * S3BackupStore.PartSize), cancel, after: S3BackupStore.PartSize + 5000);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WriteAsync("canceled.dump", source, cancel.Token));

        Assert.Empty(await store.ListAsync(""));
        Assert.Empty(await PendingUploadsAsync());
        Assert.Empty(PartsOnDisk());
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _logs.Dispose();
    }

    private S3BackupStore Store(string? prefix = null, string? secret = null)
    {
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));
        _owned.Add(loggerFactory);
        var store = new S3BackupStore(server.Settings(prefix ?? _prefix, secret), loggerFactory.CreateLogger<S3BackupStore>());
        _owned.Add(store);
        return store;
    }

    /// <summary>The server's pending multipart uploads under this test's prefix (ListMultipartUploads).</summary>
    private async Task<IReadOnlyList<string>> PendingUploadsAsync()
    {
        using var client = server.Client();
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = S3Server.Bucket });
        return [.. (uploads.MultipartUploads ?? []).Where(u => u.Key.StartsWith(_prefix, StringComparison.Ordinal)).Select(u => u.Key)];
    }

    /// <summary>Part files the server still keeps on disk for unfinished uploads (of any test).</summary>
    private IReadOnlyList<string> PartsOnDisk() =>
        [.. Directory.EnumerateFiles(server.DataFolder, "*", SearchOption.AllDirectories).Where(f => f.Contains("uploads", StringComparison.Ordinal))];

    /// <summary>Cancels <paramref name="cancel"/> once <paramref name="after"/> bytes were read, then reads on.</summary>
    private sealed class CancelingStream(Stream inner, CancellationTokenSource cancel, long after) : ReadOnlyStream
    {
        private long _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        private int Count(int read)
        {
            _read += read;
            if (_read >= after)
            {
                cancel.Cancel();
            }

            return read;
        }
    }
}
