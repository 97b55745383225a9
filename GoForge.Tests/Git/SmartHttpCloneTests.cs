using GoForge.Core.Deployments;
using GoForge.Tests.Support;
using GoForge.Infrastructure.Git;
using LibGit2Sharp;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Git;

/// <summary>Clones over smart HTTP (https) from git http-backend, with basic authentication as Git hosts do for tokens.</summary>
public sealed class SmartHttpCloneTests(SmartHttpFixture server) : IClassFixture<SmartHttpFixture>
{
    private static readonly TimeSpan CloneTimeout = TimeSpan.FromSeconds(60);

    private readonly IGitClient _git = TestGitClients.AllowingLocal(o => o.TrustedCertificatesFile = server.CertificatePath);

    private GitRepositoryFixture Repos => server.Repositories;

    [Fact]
    public async Task Clone_over_smart_http_with_the_right_token_is_a_shallow_clone_of_the_branch_head()
    {
        var target = Repos.NewTarget();
        var log = new LineLog();

        var commit = await CloneAsync(new GitCloneRequest(server.UrlOf(Repos.BareRepository), "main", null, target, server.Credentials), log);

        Assert.Equal(Repos.MainHeadSha, commit.Sha);
        Assert.Equal("second\n", File.ReadAllText(Path.Combine(target, "README.md")));
        Assert.Null(commit.SshHostKey);
        // Unlike git daemon and ssh, http-backend (stateless RPC) accepts libgit2's depth request: see docs/decisions/git.md.
        using var repo = new Repository(target);
        Assert.True(repo.Info.IsShallow);
        Assert.Single(repo.Commits);
        Assert.DoesNotContain("The server refused a shallow clone; fetching the whole branch", log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Contains(server.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Clone_over_smart_http_of_a_pinned_commit_fetches_enough_history_to_check_it_out()
    {
        var target = Repos.NewTarget();

        var commit = await CloneAsync(new GitCloneRequest(server.UrlOf(Repos.BareRepository), "main", Repos.FirstSha, target, server.Credentials));

        Assert.Equal(Repos.FirstSha, commit.Sha);
        Assert.Equal("first\n", File.ReadAllText(Path.Combine(target, "README.md")));
    }

    [Fact]
    public async Task Clone_over_smart_http_without_a_token_fails_clearly_at_the_first_challenge()
    {
        var target = Repos.NewTarget();
        var challengesBefore = Challenges();

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(new GitCloneRequest(server.UrlOf(Repos.BareRepository), "main", null, target, null)));

        Assert.Contains("the server asks for credentials, and this repository has none: add an access token", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, Challenges() - challengesBefore);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Clone_over_smart_http_with_a_wrong_token_fails_clearly_without_the_token_and_without_retrying()
    {
        var target = Repos.NewTarget();
        var wrong = new GitCredentials.UsernamePassword(server.User, "wrong-" + server.Token);
        var challengesBefore = Challenges();

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(new GitCloneRequest(server.UrlOf(Repos.BareRepository), "main", null, target, wrong)));

        Assert.Contains($"the server refused the credentials of user '{server.User}'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Token, ex.ToString(), StringComparison.Ordinal);
        // The first, unauthenticated request and the refused one; libgit2 alone would ask 15 more times.
        Assert.Equal(2, Challenges() - challengesBefore);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Cancelling_a_smart_http_clone_during_the_transfer_leaves_no_directory()
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

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _git.CloneAsync(
            new GitCloneRequest(server.UrlOf(Repos.BigRepository), "main", null, target, server.Credentials), log, cts.Token).WaitAsync(CloneTimeout));

        Assert.Contains(log.Lines, l => l.StartsWith("Receiving objects", StringComparison.Ordinal));
        Assert.False(Directory.Exists(target));
    }

    private int Challenges() => server.Log.Count(l => l.EndsWith("→ 401", StringComparison.Ordinal));

    private Task<ClonedCommit> CloneAsync(GitCloneRequest request, IProgress<string>? log = null) =>
        _git.CloneAsync(request, log, CancellationToken.None).WaitAsync(CloneTimeout);
}
