using GoForge.Infrastructure.Git;

namespace GoForge.Tests.Git;

public sealed class SshRemoteTests
{
    [Theory]
    [InlineData("ssh://git@git.example.test:2222/org/app.git", "git", "git.example.test", 2222, "/org/app.git")]
    [InlineData("ssh://git.example.test/org/app.git", null, "git.example.test", 22, "/org/app.git")]
    [InlineData("ssh://git@git.example.test/~/app.git", "git", "git.example.test", 22, "~/app.git")]
    [InlineData("ssh://git@git.example.test/~alice/app.git", "git", "git.example.test", 22, "~alice/app.git")]
    [InlineData("ssh://git@[::1]:2200/srv/app.git", "git", "::1", 2200, "/srv/app.git")]
    [InlineData("ssh://git@git.example.test/with%20space.git", "git", "git.example.test", 22, "/with space.git")]
    [InlineData("git+ssh://git@git.example.test/app.git", "git", "git.example.test", 22, "/app.git")]
    [InlineData("git@github.com:org/app.git", "git", "github.com", 22, "org/app.git")]
    [InlineData("github.com:org/app.git", null, "github.com", 22, "org/app.git")]
    [InlineData("deploy@10.0.0.5:/srv/git/app.git", "deploy", "10.0.0.5", 22, "/srv/git/app.git")]
    [InlineData("git@[::1]:org/app.git", "git", "::1", 22, "org/app.git")]
    public void Ssh_and_scp_like_urls_are_read_as_git_reads_them(string url, string? user, string host, int port, string path)
    {
        Assert.Equal(new SshRemote(user, host, port, path), SshRemote.Parse(url));
    }

    [Fact]
    public void The_upload_pack_command_single_quotes_the_path()
    {
        Assert.Equal("git-upload-pack '/srv/my repo.git'", SshRemote.Parse("git@h:/srv/my repo.git").UploadPackCommand);
        Assert.Equal("git-upload-pack '~/app.git'", SshRemote.Parse("ssh://git@h/~/app.git").UploadPackCommand);
    }

    [Theory]
    [InlineData("git@h:/srv/it's.git")]
    [InlineData("ssh://git@h/srv/it%27s.git")]
    [InlineData("git@h:/srv/a\tb.git")]
    [InlineData("ssh://git@h/srv/a%00b.git")]
    [InlineData("ssh://git@h/srv/a%1Bb.git")]
    [InlineData("git@h:")]
    [InlineData("git@h:-oProxyCommand=x")]
    [InlineData("git@-oProxyCommand=x:app.git")]
    [InlineData("ssh://git:secret@h/app.git")]
    [InlineData("git@[::1:app.git")]
    [InlineData("https://h/app.git")]
    public void Hostile_or_unusable_ssh_urls_are_refused(string url)
    {
        Assert.Throws<ArgumentException>(() => SshRemote.Parse(url));
    }

    [Theory]
    [InlineData("ssh://git@h/app.git", true)]
    [InlineData("SSH://git@h/app.git", true)]
    [InlineData("ssh+git://git@h/app.git", true)]
    [InlineData("git@github.com:org/app.git", true)]
    [InlineData("https://github.com/org/app.git", false)]
    [InlineData("git://h/app.git", false)]
    [InlineData("/srv/git/app.git", false)]
    [InlineData("file:///srv/git/app.git", false)]
    [InlineData("relative/dir", false)]
    public void Ssh_urls_are_told_apart_from_the_others(string url, bool ssh)
    {
        Assert.Equal(ssh, SshRemote.IsSsh(url));
    }

    [Theory]
    [InlineData("SHA256:abcDEF123", "SHA256:abcDEF123")]
    [InlineData("  SHA256:abcDEF123= ", "SHA256:abcDEF123")]
    [InlineData("abcDEF123", "SHA256:abcDEF123")]
    public void A_pinned_fingerprint_is_compared_as_ssh_keygen_prints_it(string pinned, string normalized)
    {
        Assert.Equal(normalized, SshConnection.NormalizeFingerprint(pinned));
    }
}
