using GoForge.Core.Deployments;
using GoForge.Infrastructure.Git;
using GoForge.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Git;

/// <summary>The generated keys checked by OpenSSH's own ssh-keygen, not by our reading of the format.</summary>
public sealed class Ed25519DeployKeyGeneratorTests : IDisposable
{
    private static readonly TimeSpan SshKeygenTimeout = TimeSpan.FromSeconds(30);

    private readonly IDeployKeyGenerator _generator =
        new ServiceCollection().AddGitClient().BuildServiceProvider().GetRequiredService<IDeployKeyGenerator>();

    private readonly string _dir = Directory.CreateTempSubdirectory("goforge-keys-").FullName;

    [Fact]
    public async Task Ssh_keygen_derives_the_same_public_key_from_the_private_key()
    {
        var pair = _generator.Generate("goforge deploy key");
        var privateFile = WritePrivateKey(pair);

        var derived = (await SshKeygenAsync("-y", "-f", privateFile)).Trim();

        Assert.Equal(pair.PublicKey, derived);
        Assert.StartsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", pair.PublicKey, StringComparison.Ordinal);
        Assert.EndsWith(" goforge deploy key", pair.PublicKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ssh_keygen_prints_the_same_fingerprint_for_the_public_key()
    {
        var pair = _generator.Generate("app-42@goforge");
        var publicFile = Path.Combine(_dir, "key.pub");
        await File.WriteAllTextAsync(publicFile, pair.PublicKey + "\n");

        var listed = (await SshKeygenAsync("-l", "-f", publicFile)).Trim();

        // "256 SHA256:... app-42@goforge (ED25519)"
        Assert.Equal($"256 {pair.Fingerprint} app-42@goforge (ED25519)", listed);
    }

    [Fact]
    public void The_private_key_is_an_unencrypted_openssh_key_file()
    {
        var pair = _generator.Generate("c");

        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n", pair.PrivateKey, StringComparison.Ordinal);
        Assert.EndsWith("\n-----END OPENSSH PRIVATE KEY-----\n", pair.PrivateKey, StringComparison.Ordinal);
        Assert.All(pair.PrivateKey.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.InRange(line.Length, 1, 70));
        // Unencrypted: ssh-keygen -y above needed no passphrase; the header names cipher "none".
        var body = Convert.FromBase64String(string.Concat(pair.PrivateKey.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        Assert.Equal("openssh-key-v1\0\0\0\0\u0004none"u8.ToArray(), body[..23]);
    }

    [Fact]
    public void Every_key_is_new_and_the_private_key_stays_out_of_ToString()
    {
        var first = _generator.Generate("same comment");
        var second = _generator.Generate("same comment");

        Assert.NotEqual(first.PublicKey, second.PublicKey);
        Assert.NotEqual(first.PrivateKey, second.PrivateKey);
        Assert.NotEqual(first.Fingerprint, second.Fingerprint);
        Assert.DoesNotContain(first.PrivateKey, first.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("OPENSSH PRIVATE KEY", first.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_comment_gives_a_two_field_public_line_that_ssh_keygen_accepts()
    {
        var pair = _generator.Generate("");

        Assert.Equal(2, pair.PublicKey.Split(' ').Length);
        Assert.Equal(pair.PublicKey, (await SshKeygenAsync("-y", "-f", WritePrivateKey(pair))).Trim());
    }

    [Theory]
    [InlineData("two\nlines")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0byte")]
    public void A_comment_with_control_characters_is_refused(string comment) =>
        Assert.Throws<ArgumentException>(() => _generator.Generate(comment));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WritePrivateKey(DeployKeyPair pair)
    {
        // ssh-keygen refuses a private key file that others may read.
        var path = Path.Combine(_dir, $"key-{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(path, options)))
        {
            writer.Write(pair.PrivateKey);
        }

        return path;
    }

    private static async Task<string> SshKeygenAsync(params string[] args) =>
        (await ProcessRunner.RunAsync("ssh-keygen", args, SshKeygenTimeout)).EnsureSuccess().StandardOutput;
}
