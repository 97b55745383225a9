using System.Runtime.Versioning;
using System.Text;
using GoForge.Core.Backups;
using GoForge.Infrastructure.Backups.Storage;

namespace GoForge.Tests.Backups;

[UnsupportedOSPlatform("windows")]
public sealed class LocalBackupStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("goforge-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private LocalBackupStore Store() => new(new LocalDestinationSettings(Path.Combine(_folder, "archives")));

    [Fact]
    public async Task An_archive_is_written_owner_only_listed_read_back_and_deleted()
    {
        var store = Store();
        var content = Encoding.UTF8.GetBytes("dump bytes");

        var bytes = await store.WriteAsync("services/abc/one.sql", new MemoryStream(content));

        var path = Path.Combine(_folder, "archives", "services", "abc", "one.sql");
        Assert.Equal(content.Length, bytes);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["services/abc/one.sql"], (await store.ListAsync("services/")).Select(a => a.Key));
        await using (var read = await store.OpenReadAsync("services/abc/one.sql"))
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }

        await store.DeleteAsync("services/abc/one.sql");
        await store.DeleteAsync("services/abc/one.sql");
        Assert.False(File.Exists(path));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenReadAsync("services/abc/one.sql"));
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_nothing_under_the_key_and_no_visible_partial_file()
    {
        var store = Store();
        await store.WriteAsync("panel-database/keep.pgdump", new MemoryStream([1, 2, 3]));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync("panel-database/keep.pgdump", new FailingStream()));

        var folder = Path.Combine(_folder, "archives", "panel-database");
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(folder, "keep.pgdump")));
        Assert.Equal(["keep.pgdump"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../escape.sql")]
    [InlineData("services/../../escape.sql")]
    [InlineData("/etc/passwd")]
    [InlineData("services//x.sql")]
    [InlineData("services/./x.sql")]
    [InlineData("services\\x.sql")]
    [InlineData("services/x\n.sql")]
    [InlineData("services/.partial-1234")]
    [InlineData("")]
    public async Task A_key_that_is_not_relative_and_plain_is_refused_for_every_operation(string key)
    {
        var store = Store();

        await Assert.ThrowsAsync<BackupStoreException>(() => store.WriteAsync(key, new MemoryStream([1])));
        await Assert.ThrowsAsync<BackupStoreException>(() => store.OpenReadAsync(key));
        await Assert.ThrowsAsync<BackupStoreException>(() => store.DeleteAsync(key));
        Assert.False(File.Exists(Path.Combine(_folder, "escape.sql")));
    }

    [Fact]
    public void A_store_on_a_folder_the_rules_refuse_does_not_open()
    {
        Assert.Throws<BackupStoreException>(() => new LocalBackupStore(new LocalDestinationSettings("relative/path")));
        // A destination whose settings do not match its kind opens nothing.
        Assert.Throws<BackupStoreException>(() => new BackupStoreFactory(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).Open(
            new BackupStoreSpec(Guid.NewGuid(), BackupDestinationKind.S3, new LocalDestinationSettings("/tmp"), null, null)));
    }

    private sealed class FailingStream : Stream
    {
        private int _reads;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_reads++ > 0)
            {
                throw new InvalidOperationException("the engine died");
            }

            buffer[offset] = 42;
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
