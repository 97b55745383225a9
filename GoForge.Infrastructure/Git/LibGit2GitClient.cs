using GoForge.Core.Projects;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Infrastructure.Deployments;
using LibGit2Sharp;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// Clones with libgit2 (in process, no git binary needed on the host). The blocking native work runs on a thread-pool
/// thread; cancellation is observed in the transfer callbacks, which make libgit2 abort the fetch. ssh and scp-like
/// URLs go through our own SSH transport (<see cref="SshSubtransport"/>), never through an ssh binary; http(s) and
/// git:// through our own transports too (<see cref="SmartHttpSubtransport"/>, <see cref="GitProtocolSubtransport"/>),
/// so that every connection goes to an address <see cref="RepositoryEndpoint"/> checked. Local paths and file:// are
/// cloned only when <see cref="GitCloneRequest.AllowPrivateNetworks"/> is set.
/// </summary>
internal sealed class LibGit2GitClient : IGitClient
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private readonly X509Certificate2Collection _trusted;

    public LibGit2GitClient(IOptions<GitClientOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _trusted = options.Value.LoadTrustedCertificates();
        SshSubtransport.EnsureRegistered();
        SmartHttpSubtransport.EnsureRegistered();
        GitProtocolSubtransport.EnsureRegistered();
    }

    public Task<ClonedCommit> CloneAsync(GitCloneRequest request, IProgress<string>? log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        ct.ThrowIfCancellationRequested();
        return Task.Run(() => Clone(request, log, ct), ct);
    }

    public Task<string> ResolveBranchHeadAsync(GitCloneRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.RepositoryUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Branch);
        if (request.RepositoryUrl.StartsWith('-') || request.Branch.StartsWith('-'))
        {
            throw new ArgumentException("A repository URL or branch may not start with '-'.", nameof(request));
        }

        ValidateTransport(request);
        ct.ThrowIfCancellationRequested();
        return Task.Run(() => ResolveBranchHead(request, ct), ct);
    }

    /// <summary>The refs advertisement through the same transports and network context as a clone; no object is fetched.</summary>
    private string ResolveBranchHead(GitCloneRequest request, CancellationToken ct)
    {
        var failure = new CloneFailure();
        using var networkScope = GitNetworkContext.Enter(
            new GitNetworkContext(request, failure, () => SmartHttpSubtransport.CreateClient(request.AllowPrivateNetworks, _trusted), ct));
        var ssh = request.Credentials is GitCredentials.SshKey key ? new SshCloneContext(request.RepositoryUrl, key, failure, ct) : null;
        using var sshScope = ssh is null ? null : SshCloneContext.Enter(ssh);
        var what = $"Asking {GitRedaction.Url(request.RepositoryUrl)} for branch '{request.Branch}' failed";
        try
        {
            var name = "refs/heads/" + request.Branch;
            var head = Repository.ListRemoteReferences(request.RepositoryUrl, CredentialsProvider(request, failure))
                .FirstOrDefault(r => r.CanonicalName == name);
            ct.ThrowIfCancellationRequested();
            return head?.TargetIdentifier is { Length: 40 or 64 } sha && sha.All(char.IsAsciiHexDigit)
                ? sha.ToLowerInvariant()
                : throw new GitCloneException($"Branch '{request.Branch}' does not exist in {GitRedaction.Url(request.RepositoryUrl)}.");
        }
        catch (LibGit2SharpException ex)
        {
            if (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("Asking the repository was cancelled.", ex, ct);
            }

            if (failure.Reason is { } reason)
            {
                throw new GitCloneException($"{what}: {GitRedaction.Message(reason, request)}");
            }

            throw Failure(request, what, ex);
        }
    }

    private static void Validate(GitCloneRequest request)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(request.RepositoryUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Branch);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TargetDirectory);

        // Defence in depth: Core's input rules refuse such values long before they get here, but a leading '-'
        // must never be able to reach anything that might read it as an option.
        if (request.RepositoryUrl.StartsWith('-') || request.Branch.StartsWith('-'))
        {
            throw new ArgumentException("A repository URL or branch may not start with '-'.", nameof(request));
        }

        // Only a sha, never a revision expression (HEAD~1, main@{1}, ...).
        if (request.CommitSha is { } sha && (sha.Length is < 4 or > 64 || !sha.All(char.IsAsciiHexDigit)))
        {
            throw new ArgumentException("The commit must be a hexadecimal sha.", nameof(request));
        }

        if (Directory.Exists(request.TargetDirectory) && Directory.EnumerateFileSystemEntries(request.TargetDirectory).Any())
        {
            throw new ArgumentException($"The target directory {request.TargetDirectory} is not empty.", nameof(request));
        }

        ValidateTransport(request);
    }

    /// <summary>
    /// A local path only when allowed; a token never over plain http://; an ssh URL needs a deploy key and a path we
    /// can quote; a deploy key is only for an ssh URL.
    /// </summary>
    private static void ValidateTransport(GitCloneRequest request)
    {
        if (!request.AllowPrivateNetworks && RepositoryNetworkRules.IsLocal(request.RepositoryUrl))
        {
            throw new GitCloneException(
                $"{GitRedaction.Url(request.RepositoryUrl)} is a local path on the panel's own disk, and local and private repositories are not allowed. {RepositoryNetworkRules.SettingHint}");
        }

        if (request.Credentials is GitCredentials.UsernamePassword && request.RepositoryUrl.TrimStart().StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            throw new GitCloneException(
                $"{GitRedaction.Url(request.RepositoryUrl)} is plain http://: GoForge never sends an access token unencrypted. Use the repository's https:// URL, or remove the token for a public repository.");
        }

        if (SshRemote.IsSsh(request.RepositoryUrl))
        {
            // Throws ArgumentException for a host, user or path we refuse (a quote or control character in the path).
            _ = SshRemote.Parse(request.RepositoryUrl);
            if (request.Credentials is not GitCredentials.SshKey)
            {
                throw new GitCloneException(
                    $"{GitRedaction.Url(request.RepositoryUrl)} is an SSH URL: cloning it needs an SSH deploy key, not {(request.Credentials is null ? "no credentials" : request.Credentials.Kind)}.");
            }
        }
        else if (request.Credentials is GitCredentials.SshKey)
        {
            throw new GitCloneException(
                $"An SSH deploy key works only with ssh:// or user@host:path URLs, not with {GitRedaction.Url(request.RepositoryUrl)}.");
        }
    }

    private ClonedCommit Clone(GitCloneRequest request, IProgress<string>? log, CancellationToken ct)
    {
        var target = Path.GetFullPath(request.TargetDirectory);
        var existedBefore = Directory.Exists(target);
        var failure = new CloneFailure();
        using var networkScope = GitNetworkContext.Enter(
            new GitNetworkContext(request, failure, () => SmartHttpSubtransport.CreateClient(request.AllowPrivateNetworks, _trusted), ct));
        // Our SSH transport is registered process-wide; this clone's key and token reach it through the context.
        var ssh = request.Credentials is GitCredentials.SshKey key ? new SshCloneContext(request.RepositoryUrl, key, failure, ct) : null;
        using var sshScope = ssh is null ? null : SshCloneContext.Enter(ssh);
        try
        {
            var commit = CloneAndCheckout(request, target, log, failure, ct);
            ct.ThrowIfCancellationRequested();
            return ssh is null ? commit : commit with { SshHostKey = ssh.HostKey };
        }
        catch (UserCancelledException) when (ct.IsCancellationRequested)
        {
            RemovePartialClone(target, existedBefore);
            throw new OperationCanceledException("The clone was cancelled.", ct);
        }
        catch (LibGit2SharpException ex)
        {
            RemovePartialClone(target, existedBefore);
            if (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("The clone was cancelled.", ex, ct);
            }

            if (DiskFull.Is(ex))
            {
                // Not the repository's fault, nor the user's: what the operator must do is in the reason.
                throw new GitCloneException(DiskFull.WorkFolderReason);
            }

            var what = $"Cloning branch '{request.Branch}' of {GitRedaction.Url(request.RepositoryUrl)} failed";
            if (failure.Reason is { } reason)
            {
                // The transport's or callback's own words; libgit2's wrapping of them adds nothing.
                throw new GitCloneException($"{what}: {GitRedaction.Message(reason, request)}");
            }

            throw Failure(request, what, ex);
        }
        catch (IOException ex) when (DiskFull.Is(ex))
        {
            RemovePartialClone(target, existedBefore);
            throw new GitCloneException(DiskFull.WorkFolderReason);
        }
        catch (Exception)
        {
            // GitCloneException, OperationCanceledException and the unexpected: clean up, keep the exception.
            RemovePartialClone(target, existedBefore);
            throw;
        }
    }

    private static ClonedCommit CloneAndCheckout(GitCloneRequest request, string target, IProgress<string>? log, CloneFailure failure, CancellationToken ct)
    {
        var progress = new ThrottledProgress(log, ProgressInterval);

        // A pinned commit may be anywhere in the branch's history, so its clone is full. libgit2's local transport
        // does not do shallow fetches, so local paths are always full too.
        if (request.CommitSha is null && !RepositoryNetworkRules.IsLocal(request.RepositoryUrl))
        {
            try
            {
                Fetch(request, target, progress, failure, depth: 1, ct);
            }
            catch (LibGit2SharpException ex) when (!ct.IsCancellationRequested && ex is not UserCancelledException && failure.Reason is null)
            {
                // libgit2 0.32's shallow request is refused by some servers (git daemon 2.39: "expected SHA1 list");
                // the full branch is slower but still correct. A failure with a reason (credentials refused, host key
                // mismatch) is not about depth, so it is not retried.
                RemovePartialClone(target, existedBefore: false);
                progress.Report("The server refused a shallow clone; fetching the whole branch", final: true);
                Fetch(request, target, progress, failure, depth: 0, ct);
            }
        }
        else
        {
            Fetch(request, target, progress, failure, depth: 0, ct);
        }

        ct.ThrowIfCancellationRequested();
        using var repo = new Repository(target);
        var commit = request.CommitSha is null ? repo.Head.Tip : FindPinned(repo, request);

        // libgit2 cannot abort a checkout from .NET (its notify callback does not stop a fresh checkout, and throwing
        // across the native boundary is not safe): a cancel during checkout is honoured as soon as it ends.
        repo.Reset(ResetMode.Hard, commit, new CheckoutOptions
        {
            OnCheckoutProgress = (_, completed, total) => progress.Report($"Checking out files {completed}/{total}", completed == total),
        });
        ct.ThrowIfCancellationRequested();
        return new ClonedCommit(commit.Sha, commit.Message.TrimEnd(), $"{commit.Author.Name} <{commit.Author.Email}>", commit.Author.When);
    }

    private static void Fetch(GitCloneRequest request, string target, ThrottledProgress progress, CloneFailure failure, int depth, CancellationToken ct)
    {
        var options = new CloneOptions
        {
            BranchName = request.Branch,
            RecurseSubmodules = false,
            Checkout = false,
        };
        var fetch = options.FetchOptions;
        fetch.TagFetchMode = TagFetchMode.None;
        fetch.Depth = depth;
        fetch.OnTransferProgress = p =>
        {
            progress.Report(
                p.ReceivedObjects < p.TotalObjects
                    ? $"Receiving objects {p.ReceivedObjects}/{p.TotalObjects}"
                    : $"Indexing objects {p.IndexedObjects}/{p.TotalObjects}",
                final: p.IndexedObjects == p.TotalObjects);
            return !ct.IsCancellationRequested;
        };
        fetch.OnProgress = _ => !ct.IsCancellationRequested;
        fetch.CredentialsProvider = CredentialsProvider(request, failure);
        Repository.Clone(request.RepositoryUrl, target, options);
    }

    private static Commit FindPinned(Repository repo, GitCloneRequest request)
    {
        var branchTip = repo.Head.Tip;
        Commit? pinned;
        try
        {
            pinned = repo.Lookup<Commit>(request.CommitSha);
        }
        catch (AmbiguousSpecificationException)
        {
            throw new GitCloneException($"The commit {request.CommitSha} is ambiguous: give more characters of its sha.");
        }

        // The ancestry check keeps a deployment of "branch X" from building a commit that only exists elsewhere.
        if (pinned is null || (pinned.Sha != branchTip.Sha && repo.ObjectDatabase.FindMergeBase(pinned, branchTip)?.Sha != pinned.Sha))
        {
            throw new GitCloneException($"The commit {request.CommitSha} does not exist on branch '{request.Branch}' of {GitRedaction.Url(request.RepositoryUrl)}.");
        }

        return pinned;
    }

    /// <summary>
    /// libgit2 asks for credentials after each 401. It asking again in the same fetch means the server refused what it
    /// was given, and it would ask up to 15 times more; so the second ask, or an ask with nothing to give, ends the
    /// fetch with a reason. (A throwing callback aborts libgit2 with that error.)
    /// </summary>
    private static LibGit2Sharp.Handlers.CredentialsHandler? CredentialsProvider(GitCloneRequest request, CloneFailure failure)
    {
        switch (request.Credentials)
        {
            case null:
                return (_, _, _) => throw Refuse(failure, "the server asks for credentials, and this repository has none: add an access token.");
            case GitCredentials.UsernamePassword up:
                var asked = 0;
                return (_, _, _) => ++asked == 1
                    ? new UsernamePasswordCredentials { Username = up.Username, Password = up.Password }
                    : throw Refuse(failure, $"the server refused the credentials of user '{up.Username}': check the access token (it may be wrong, expired or without read access).");
            case GitCredentials.SshKey:
                // Our SSH transport takes the key from the clone's SshCloneContext; libgit2 never asks for it.
                return null;
            default:
                throw new NotSupportedException($"Git credentials of kind '{request.Credentials.Kind}' are not supported.");
        }
    }

    private static InvalidOperationException Refuse(CloneFailure failure, string reason)
    {
        failure.Record(reason);
        return new InvalidOperationException(reason);
    }

    private static GitCloneException Failure(GitCloneRequest request, string what, LibGit2SharpException ex)
    {
        var engineMessage = GitRedaction.Message(ex.Message, request);
        // The inner exception is kept only when its text carries nothing secret: loggers print inner messages too.
        return engineMessage == ex.Message
            ? new GitCloneException($"{what}: {engineMessage}", ex)
            : new GitCloneException($"{what}: {engineMessage}");
    }

    private static void RemovePartialClone(string target, bool existedBefore)
    {
        try
        {
            if (!Directory.Exists(target))
            {
                return;
            }

            // Pack files are read-only; on Windows that blocks deletion.
            foreach (var file in Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            if (existedBefore)
            {
                foreach (var entry in new DirectoryInfo(target).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo dir)
                    {
                        dir.Delete(recursive: true);
                    }
                    else
                    {
                        entry.Delete();
                    }
                }
            }
            else
            {
                Directory.Delete(target, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: the original failure matters more than a leftover folder.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>At most one line per interval, plus the final line of each phase.</summary>
    private sealed class ThrottledProgress(IProgress<string>? log, TimeSpan interval)
    {
        private long _lastReport = long.MinValue;
        private string? _lastLine;

        public void Report(string line, bool final)
        {
            if (log is null || line == _lastLine)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            if (!final && _lastReport != long.MinValue && Stopwatch.GetElapsedTime(_lastReport, now) < interval)
            {
                return;
            }

            _lastReport = now;
            _lastLine = line;
            log.Report(line);
        }
    }
}
