using System.Runtime.Versioning;
using GoForge.Infrastructure.Crypto;
using static GoForge.Tests.Secrets.SecretsTestData;

namespace GoForge.Tests.Secrets;

// Key files are protected by Unix file modes; GoForge runs on Linux.
[UnsupportedOSPlatform("windows")]
public sealed class SecretKeyRingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-keys-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Key_file_is_created_owner_only_on_first_start_and_reused_on_the_second()
    {
        var dataPath = Path.Combine(_root, "data", "nested");
        var keyFile = Path.Combine(dataPath, SecretKeyRing.KeyFileName);

        var first = FileRing(dataPath);
        var firstKeyId = first.CurrentKeyId;

        Assert.True(first.CreatedKeyFile);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataPath));
        var line = Assert.Single(File.ReadAllLines(keyFile));
        Assert.Equal(32, Convert.FromBase64String(line).Length);
        Assert.Equal(KeyIdOf(line), firstKeyId);
        Assert.Empty(Directory.GetFiles(dataPath, "*.tmp"));

        var second = FileRing(dataPath);
        Assert.Equal(firstKeyId, second.CurrentKeyId);
        Assert.False(second.CreatedKeyFile);
        Assert.Equal([line], File.ReadAllLines(keyFile));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, "0640")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead, "0604")]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupWrite, "0420")]
    public void Key_file_open_to_group_or_others_is_refused(UnixFileMode mode, string octal)
    {
        var keyFile = Path.Combine(_root, SecretKeyRing.KeyFileName);
        File.WriteAllText(keyFile, NewKey() + "\n");
        File.SetUnixFileMode(keyFile, mode);

        var error = Assert.Throws<InvalidOperationException>(() => FileRing(_root).CurrentKeyId);

        Assert.Contains(keyFile, error.Message, StringComparison.Ordinal);
        Assert.Contains($"mode {octal}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {keyFile}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_file_lists_the_current_key_first_and_retired_keys_after_it()
    {
        var current = NewKey();
        var retired = NewKey();
        var keyFile = Path.Combine(_root, SecretKeyRing.KeyFileName);
        File.WriteAllText(keyFile, $"{current}\n\n{retired}\n", System.Text.Encoding.ASCII);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var ring = FileRing(_root);

        Assert.Equal(KeyIdOf(current), ring.CurrentKeyId);
        Assert.Equal([KeyIdOf(retired)], ring.RetiredKeyIds);
        Assert.False(ring.CreatedKeyFile);
    }

    [Fact]
    public void Key_file_with_a_bad_line_is_refused_naming_the_line_and_not_its_content()
    {
        var keyFile = Path.Combine(_root, SecretKeyRing.KeyFileName);
        var shortKey = Convert.ToBase64String(new byte[16]);
        File.WriteAllText(keyFile, $"{NewKey()}\n{shortKey}\n");
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<InvalidOperationException>(() => FileRing(_root).CurrentKeyId);

        Assert.Contains($"{keyFile}, line 2, must be base64 of exactly 32 bytes, but it decodes to 16 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(shortKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_key_file_is_refused()
    {
        var keyFile = Path.Combine(_root, SecretKeyRing.KeyFileName);
        File.WriteAllText(keyFile, "\n");
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<InvalidOperationException>(() => FileRing(_root).CurrentKeyId);

        Assert.Contains($"{keyFile} holds no key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_key_is_used_and_no_key_file_is_written()
    {
        var key = NewKey();
        var retired = NewKey();

        var ring = new SecretKeyRing(
            Microsoft.Extensions.Options.Options.Create(new SecretKeyOptions { SecretKey = key, RetiredSecretKeys = [retired, key], DataPath = _root }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SecretKeyRing>.Instance);

        Assert.True(ring.IsFromConfiguration);
        Assert.Null(ring.KeyFilePath);
        Assert.Equal(KeyIdOf(key), ring.CurrentKeyId);
        Assert.Equal([KeyIdOf(retired)], ring.RetiredKeyIds);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }
}
