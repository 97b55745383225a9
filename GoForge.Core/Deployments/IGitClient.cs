namespace GoForge.Core.Deployments;

/// <summary>Fetches an application's source: one branch (or one commit of it) into an empty directory.</summary>
public interface IGitClient
{
    /// <summary>
    /// Clones <see cref="GitCloneRequest.Branch"/> into <see cref="GitCloneRequest.TargetDirectory"/> and checks out its
    /// head, or <see cref="GitCloneRequest.CommitSha"/> when one is given. On failure or cancellation the target
    /// directory is removed.
    /// </summary>
    /// <exception cref="GitCloneException">The repository, branch or commit could not be fetched.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    Task<ClonedCommit> CloneAsync(GitCloneRequest request, IProgress<string>? log, CancellationToken ct);
}

/// <param name="CommitSha">A full or abbreviated sha on <paramref name="Branch"/>; null for the branch head.</param>
/// <param name="TargetDirectory">Must not exist, or be empty.</param>
public sealed record GitCloneRequest(
    string RepositoryUrl,
    string Branch,
    string? CommitSha,
    string TargetDirectory,
    GitCredentials? Credentials)
{
    // Credentials stay out of ToString (records print every member, and requests end up in logs and exceptions).
    public override string ToString() =>
        $"GitCloneRequest {{ RepositoryUrl = {RepositoryUrl}, Branch = {Branch}, CommitSha = {CommitSha}, TargetDirectory = {TargetDirectory}, Credentials = {(Credentials is null ? "none" : Credentials.Kind)} }}";
}

/// <summary>How to authenticate to a repository. Further kinds (SSH keys) derive from this.</summary>
public abstract record GitCredentials
{
    private protected GitCredentials()
    {
    }

    /// <summary>A name for logs and diagnostics; never the secret.</summary>
    public abstract string Kind { get; }

    /// <summary>HTTPS basic authentication; for most hosts the password is an access token.</summary>
    public sealed record UsernamePassword(string Username, string Password) : GitCredentials
    {
        public override string Kind => "username/password";

        public override string ToString() => $"UsernamePassword {{ Username = {Username}, Password = *** }}";
    }
}

/// <summary>The commit that was checked out.</summary>
public sealed record ClonedCommit(string Sha, string Message, string Author, DateTimeOffset When);

/// <summary>A clone failed for a reason other than cancellation. The message never contains credentials.</summary>
public sealed class GitCloneException : Exception
{
    public GitCloneException()
    {
    }

    public GitCloneException(string message)
        : base(message)
    {
    }

    public GitCloneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
