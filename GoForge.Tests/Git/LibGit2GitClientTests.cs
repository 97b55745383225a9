using System.Collections.Concurrent;
using GoForge.Core.Deployments;
using GoForge.Tests.Support;
using GoForge.Infrastructure.Git;
using LibGit2Sharp;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Git;

public sealed class LibGit2GitClientTests(GitRepositoryFixture repos) : IClassFixture<GitRepositoryFixture>
{
    private static readonly TimeSpan CloneTimeout = TimeSpan.FromSeconds(60);

    private readonly IGitClient _git = TestGitClients.AllowingLocal();

    [Fact]
    public async Task Clone_of_a_branch_checks_out_its_head_and_reports_sha_message_and_author()
    {
        var target = repos.NewTarget();
        var log = new LineLog();

        var commit = await CloneAsync(new GitCloneRequest(repos.BareRepository, "main", null, target, null), log);

        Assert.Equal(repos.MainHeadSha, commit.Sha);
        Assert.Equal("Second commit\n\nWith a body.", commit.Message);
        Assert.Equal("Ada Lovelace <ada@example.test>", commit.Author);
        Assert.Equal("second\n", File.ReadAllText(Path.Combine(target, "README.md")));
        Assert.False(File.Exists(Path.Combine(target, "feature.txt")));
        Assert.Contains(log.Lines, l => l.StartsWith("Checking out files", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Clone_of_another_branch_checks_out_that_branch()
    {
        var target = repos.NewTarget();

        var commit = await CloneAsync(new GitCloneRequest(repos.BareRepository, "feature", null, target, null));

        Assert.Equal(repos.FeatureSha, commit.Sha);
        Assert.True(File.Exists(Path.Combine(target, "feature.txt")));
    }

    [Fact]
    public async Task Clone_of_a_pinned_earlier_commit_checks_out_exactly_that_commit()
    {
        var target = repos.NewTarget();

        var commit = await CloneAsync(new GitCloneRequest(repos.BareRepository, "main", repos.FirstSha, target, null));

        Assert.Equal(repos.FirstSha, commit.Sha);
        Assert.Equal("First commit", commit.Message);
        Assert.Equal("first\n", File.ReadAllText(Path.Combine(target, "README.md")));
        using var repo = new Repository(target);
        Assert.Equal(repos.FirstSha, repo.Head.Tip.Sha);
        Assert.False(repo.RetrieveStatus().IsDirty);
    }

    [Fact]
    public async Task Clone_of_a_pinned_commit_accepts_an_abbreviated_sha()
    {
        var commit = await CloneAsync(new GitCloneRequest(repos.BareRepository, "main", repos.FirstSha[..10], repos.NewTarget(), null));

        Assert.Equal(repos.FirstSha, commit.Sha);
    }

    [Fact]
    public async Task Clone_of_an_unknown_branch_fails_with_GitCloneException_and_leaves_no_directory()
    {
        var target = repos.NewTarget();

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(new GitCloneRequest(repos.BareRepository, "no-such-branch", null, target, null)));

        Assert.Contains("no-such-branch", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Clone_of_an_unknown_commit_fails_clearly_and_leaves_no_directory()
    {
        var target = repos.NewTarget();
        var unknown = new string('d', 40);

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(new GitCloneRequest(repos.BareRepository, "main", unknown, target, null)));

        Assert.Contains($"The commit {unknown} does not exist on branch 'main'", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Clone_of_a_commit_from_another_branch_fails_clearly()
    {
        var target = repos.NewTarget();

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(new GitCloneRequest(repos.BareRepository, "main", repos.FeatureSha, target, null)));

        Assert.Contains("does not exist on branch 'main'", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Clone_into_an_existing_empty_directory_works_and_a_failure_leaves_it_empty()
    {
        var target = repos.NewTarget();
        Directory.CreateDirectory(target);

        await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(new GitCloneRequest(repos.BareRepository, "nope", null, target, null)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));

        var commit = await CloneAsync(new GitCloneRequest(repos.BareRepository, "main", null, target, null));
        Assert.Equal(repos.MainHeadSha, commit.Sha);
    }

    [Fact]
    public async Task Clone_into_a_non_empty_directory_is_refused_and_touches_nothing()
    {
        var target = repos.NewTarget();
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");

        await Assert.ThrowsAsync<ArgumentException>(() => CloneAsync(new GitCloneRequest(repos.BareRepository, "main", null, target, null)));

        Assert.Equal("mine", File.ReadAllText(Path.Combine(target, "keep.txt")));
    }

    [Theory]
    [InlineData("--upload-pack=touch /tmp/pwned", "main", null)]
    [InlineData("/repo.git", "--orphan", null)]
    [InlineData("/repo.git", "main", "HEAD~1")]
    public async Task Hostile_looking_input_is_refused_before_anything_runs(string url, string branch, string? sha)
    {
        var target = repos.NewTarget();

        await Assert.ThrowsAsync<ArgumentException>(() => CloneAsync(new GitCloneRequest(url, branch, sha, target, null)));

        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task A_failure_message_carries_the_engine_reason_but_never_the_credentials()
    {
        var target = repos.NewTarget();
        // Port 1 on loopback refuses at once: the clone fails in the transport, after credentials were handed over.
        var request = new GitCloneRequest(
            "https://someone:url-secret@127.0.0.1:1/app.git", "main", null, target, new GitCredentials.UsernamePassword("deployer", "s3cret-token"));

        var ex = await Assert.ThrowsAsync<GitCloneException>(() => CloneAsync(request));

        Assert.Contains("127.0.0.1", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("url-secret", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-token", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-token", request.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task A_cancelled_token_throws_OperationCanceledException_and_leaves_no_directory()
    {
        var target = repos.NewTarget();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _git.CloneAsync(new GitCloneRequest(repos.BigRepository, "main", null, target, null), null, cts.Token).WaitAsync(CloneTimeout));

        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Cancelling_during_the_checkout_throws_OperationCanceledException_and_leaves_no_directory()
    {
        var target = repos.NewTarget();
        using var cts = new CancellationTokenSource();
        var log = new LineLog(line =>
        {
            // libgit2's local transport reports no transfer progress: the checkout is the phase to cancel here.
            if (line.StartsWith("Checking out files", StringComparison.Ordinal))
            {
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _git.CloneAsync(new GitCloneRequest(repos.BigRepository, "main", null, target, null), log, cts.Token).WaitAsync(CloneTimeout));

        Assert.Contains(log.Lines, l => l.StartsWith("Checking out files", StringComparison.Ordinal));
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Progress_lines_are_throttled()
    {
        var log = new LineLog();

        await CloneAsync(new GitCloneRequest(repos.BigRepository, "main", null, repos.NewTarget(), null), log);

        // 4,000 objects and 4,000 files: unthrottled, that would be thousands of lines.
        Assert.InRange(log.Lines.Count, 2, 400);
        Assert.Contains(log.Lines, l => l.StartsWith("Checking out files 4000/4000", StringComparison.Ordinal));
    }

    private Task<ClonedCommit> CloneAsync(GitCloneRequest request, IProgress<string>? log = null) =>
        _git.CloneAsync(request, log, CancellationToken.None).WaitAsync(CloneTimeout);
}

/// <summary>Collects progress lines synchronously (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
internal sealed class LineLog(Action<string>? onLine = null) : IProgress<string>
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public void Report(string value)
    {
        _lines.Enqueue(value);
        onLine?.Invoke(value);
    }
}
