using System.Net;
using System.Net.Sockets;
using GoForge.Core.Deployments;
using GoForge.Infrastructure.Git;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using LibGit2Sharp;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Git;

/// <summary>Clones over SSH from a real OpenSSH server, through GoForge's own SSH transport.</summary>
public sealed class SshCloneTests(SshServerFixture server) : IClassFixture<SshServerFixture>
{
    private static readonly TimeSpan CloneTimeout = TimeSpan.FromSeconds(60);

    private readonly ServiceProvider _services = new ServiceCollection().AddGitClient().BuildServiceProvider();

    private readonly IGitClient _git = TestGitClients.AllowingLocal();

    private IGitClient Git => _git;

    private IDeployKeyGenerator Keys => _services.GetRequiredService<IDeployKeyGenerator>();

    private GitRepositoryFixture Repos => server.Repositories;

    [Fact]
    public async Task Clone_over_an_ssh_url_with_the_deploy_key_checks_out_the_branch()
    {
        var target = Repos.NewTarget();

        var commit = await CloneAsync(new GitCloneRequest(server.SshUrl(Repos.BareRepository), "main", null, target, server.Credentials()));

        Assert.Equal(Repos.MainHeadSha, commit.Sha);
        Assert.Equal("Second commit\n\nWith a body.", commit.Message);
        Assert.Equal("second\n", File.ReadAllText(Path.Combine(target, "README.md")));
        Assert.StartsWith("SHA256:", commit.SshHostKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clone_over_an_scp_like_url_with_the_deploy_key_checks_out_the_branch()
    {
        var target = Repos.NewTarget();

        var commit = await CloneAsync(new GitCloneRequest(server.ScpLikeUrl(Repos.BareRepository), "feature", null, target, server.Credentials()));

        Assert.Equal(Repos.FeatureSha, commit.Sha);
        Assert.True(File.Exists(Path.Combine(target, "feature.txt")));
        Assert.NotNull(commit.SshHostKey);
    }

    [Fact]
    public async Task Clone_over_ssh_of_a_pinned_commit_fetches_enough_history_to_check_it_out()
    {
        var target = Repos.NewTarget();

        var commit = await CloneAsync(new GitCloneRequest(server.SshUrl(Repos.BareRepository), "main", Repos.FirstSha, target, server.Credentials()));

        Assert.Equal(Repos.FirstSha, commit.Sha);
        Assert.Equal("first\n", File.ReadAllText(Path.Combine(target, "README.md")));
    }

    [Fact]
    public async Task Clone_over_ssh_asks_for_a_shallow_clone_and_falls_back_to_the_full_branch_when_refused()
    {
        // Over ssh the server is git-upload-pack itself, as behind git daemon: see docs/decisions/git.md.
        var target = Repos.NewTarget();
        var log = new LineLog();

        var commit = await CloneAsync(new GitCloneRequest(server.SshUrl(Repos.BareRepository), "main", null, target, server.Credentials()), log);

        Assert.Equal(Repos.MainHeadSha, commit.Sha);
        using var repo = new Repository(target);
        if (repo.Info.IsShallow)
        {
            Assert.Single(repo.Commits);
        }
        else
        {
            Assert.Contains("The server refused a shallow clone; fetching the whole branch", log.Lines);
            Assert.Equal(2, repo.Commits.Count());
        }
    }

    [Fact]
    public async Task Trust_on_first_use_reports_the_host_key_fingerprint_ssh_keygen_prints_and_pinning_it_works()
    {
        var listed = (await ProcessRunner.RunAsync("ssh-keygen", ["-l", "-f", server.HostPublicKeyFile], TimeSpan.FromSeconds(30)))
            .EnsureSuccess().StandardOutput.Split(' ')[1];

        var first = await CloneAsync(new GitCloneRequest(server.SshUrl(Repos.BareRepository), "main", null, Repos.NewTarget(), server.Credentials()));
        var pinned = await CloneAsync(new GitCloneRequest(server.ScpLikeUrl(Repos.BareRepository), "main", null, Repos.NewTarget(), server.Credentials(listed)));

        Assert.Equal(listed, first.SshHostKey);
        Assert.Equal(listed, pinned.SshHostKey);
        Assert.Equal(Repos.MainHeadSha, pinned.Sha);
    }

    [Fact]
    public async Task A_pinned_host_key_that_does_not_match_is_refused_naming_both_and_leaves_the_target_empty()
    {
        var target = Repos.NewTarget();
        Directory.CreateDirectory(target);
        var otherHost = Keys.Generate("another server").Fingerprint;

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(
            new GitCloneRequest(server.SshUrl(Repos.BareRepository), "main", null, target, server.Credentials(otherHost))));

        var shown = (await ProcessRunner.RunAsync("ssh-keygen", ["-l", "-f", server.HostPublicKeyFile], TimeSpan.FromSeconds(30)))
            .EnsureSuccess().StandardOutput.Split(' ')[1];
        Assert.Contains($"showed host key {shown}, but {otherHost} is pinned", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public async Task A_key_the_server_does_not_know_is_refused_with_a_clear_error()
    {
        var target = Repos.NewTarget();
        var stranger = Keys.Generate("stranger");

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(
            new GitCloneRequest(server.SshUrl(Repos.BareRepository), "main", null, target, new GitCredentials.SshKey(server.User, stranger.PrivateKey, null))));

        Assert.Contains($"refused the deploy key for user '{server.User}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(server.Address, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task A_repository_the_server_does_not_have_fails_with_the_servers_reason()
    {
        var missing = Path.Combine(Repos.Root, "missing.git");

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(
            new GitCloneRequest(server.SshUrl(missing), "main", null, Repos.NewTarget(), server.Credentials())));

        Assert.Contains("does not appear to be a git repository", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_private_key_never_appears_in_errors_or_progress_lines()
    {
        var stranger = Keys.Generate("stranger");
        var log = new LineLog();
        var good = new GitCloneRequest(server.SshUrl(Repos.BigRepository), "main", null, Repos.NewTarget(), server.Credentials());
        var refused = new GitCloneRequest(server.SshUrl(Repos.BareRepository), "main", null, Repos.NewTarget(), new GitCredentials.SshKey(server.User, stranger.PrivateKey, null));
        var garbled = new GitCloneRequest(server.SshUrl(Repos.BareRepository), "main", null, Repos.NewTarget(),
            new GitCredentials.SshKey(server.User, server.DeployKey.PrivateKey.Replace("A", "B", StringComparison.Ordinal), null));

        await CloneAsync(good, log);
        var errors = new[]
        {
            await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(refused, log)),
            await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(garbled, log)),
        };

        Assert.Contains("not a valid OpenSSH private key", errors[1].Message, StringComparison.Ordinal);
        var reported = string.Join('\n', log.Lines.Concat(errors.Select(e => e.ToString())).Append(good.ToString()).Append(refused.ToString()));
        foreach (var key in new[] { server.DeployKey.PrivateKey, stranger.PrivateKey, garbled.Credentials is GitCredentials.SshKey k ? k.PrivateKey : "" })
        {
            Assert.DoesNotContain("PRIVATE KEY", reported, StringComparison.Ordinal);
            foreach (var line in key.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)))
            {
                Assert.DoesNotContain(line, reported, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Cancelling_an_ssh_clone_during_the_transfer_leaves_no_directory()
    {
        var target = Repos.NewTarget();
        using var cts = new CancellationTokenSource();
        var log = new LineLog(line =>
        {
            if (line.StartsWith("Receiving objects", StringComparison.Ordinal))
            {
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Git.CloneAsync(
            new GitCloneRequest(server.SshUrl(Repos.BigRepository), "main", null, target, server.Credentials()), log, cts.Token).WaitAsync(CloneTimeout));

        Assert.Contains(log.Lines, l => l.StartsWith("Receiving objects", StringComparison.Ordinal));
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Cancelling_while_the_ssh_server_sends_nothing_ends_the_clone()
    {
        // The stall port's sessions run cat: upload-pack never answers, so libgit2 waits in a read, not in a callback.
        var target = Repos.NewTarget();
        using var cts = new CancellationTokenSource();
        var sessionsBefore = StalledSessions();

        var clone = Git.CloneAsync(new GitCloneRequest(server.StallUrl(Repos.BareRepository), "main", null, target, server.Credentials()), null, cts.Token);
        await Wait.UntilAsync(() => Task.FromResult(StalledSessions() > sessionsBefore || clone.IsCompleted), "the stalled ssh session to start");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => clone.WaitAsync(CloneTimeout));
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Cancelling_while_the_server_does_not_even_answer_the_handshake_ends_the_clone()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource();
        var target = Repos.NewTarget();

        var clone = Git.CloneAsync(new GitCloneRequest($"ssh://git@127.0.0.1:{port}/app.git", "main", null, target, server.Credentials()), null, cts.Token);
        using var accepted = await silent.AcceptTcpClientAsync().WaitAsync(CloneTimeout);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => clone.WaitAsync(CloneTimeout));
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Concurrent_clones_with_different_keys_do_not_mix()
    {
        // The transport is registered once per process; each clone's key travels with that clone only. An
        // authorized and an unknown key race each other: a mix-up would make one of them come out wrong.
        var stranger = Keys.Generate("stranger");
        var url = server.SshUrl(Repos.BareRepository);
        var runs = Enumerable.Range(0, 4).SelectMany(_ => new[]
        {
            Outcome(CloneAsync(new GitCloneRequest(url, "main", null, Repos.NewTarget(), server.Credentials()))),
            Outcome(CloneAsync(new GitCloneRequest(url, "main", null, Repos.NewTarget(), new GitCredentials.SshKey(server.User, stranger.PrivateKey, null)))),
        }).ToArray();

        var outcomes = await Task.WhenAll(runs);

        for (var i = 0; i < outcomes.Length; i += 2)
        {
            Assert.Equal(Repos.MainHeadSha, outcomes[i]);
            Assert.Contains("refused the deploy key", outcomes[i + 1], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ssh://root@127.0.0.1:22/srv/it's.git")]
    [InlineData("root@127.0.0.1:/srv/it's.git")]
    [InlineData("root@127.0.0.1:/srv/a\nb.git")]
    [InlineData("ssh://root@127.0.0.1:22/srv/a%0Ab.git")]
    [InlineData("ssh://root@127.0.0.1:22/srv/a%27b.git")]
    [InlineData("ssh://root:password@127.0.0.1:22/srv/app.git")]
    public async Task An_ssh_path_with_a_quote_or_control_character_is_refused_before_connecting(string url)
    {
        var target = Repos.NewTarget();

        await Assert.ThrowsAsync<ArgumentException>(() => CloneAsync(new GitCloneRequest(url, "main", null, target, server.Credentials())));

        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task An_ssh_url_without_a_deploy_key_and_a_deploy_key_for_an_https_url_are_refused_clearly()
    {
        var noKey = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(
            new GitCloneRequest(server.SshUrl(Repos.BareRepository), "main", null, Repos.NewTarget(), null)));
        var https = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(
            new GitCloneRequest("https://git.example.test/app.git", "main", null, Repos.NewTarget(), server.Credentials())));

        Assert.Contains("needs an SSH deploy key", noKey.Message, StringComparison.Ordinal);
        Assert.Contains("works only with ssh:// or user@host:path URLs", https.Message, StringComparison.Ordinal);
    }

    private int StalledSessions() => server.Log.Count(l => l.Contains("Starting session: forced-command", StringComparison.Ordinal));

    private static async Task<string> Outcome(Task<ClonedCommit> clone)
    {
        try
        {
            return (await clone).Sha;
        }
        catch (GitCloneException ex)
        {
            return ex.Message;
        }
    }

    private Task<ClonedCommit> CloneAsync(GitCloneRequest request, IProgress<string>? log = null) =>
        Git.CloneAsync(request, log, CancellationToken.None).WaitAsync(CloneTimeout);
}
