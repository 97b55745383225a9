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

    /// <summary>
    /// The sha of <see cref="GitCloneRequest.Branch"/>'s head on the remote, asked without cloning (the refs
    /// advertisement only, like <c>git ls-remote</c>), under the clone's rules: the same credentials, transports and
    /// private-network refusal. <see cref="GitCloneRequest.CommitSha"/> and <see cref="GitCloneRequest.TargetDirectory"/>
    /// are not used.
    /// </summary>
    /// <exception cref="GitCloneException">The repository could not be asked, or has no such branch.</exception>
    Task<string> ResolveBranchHeadAsync(GitCloneRequest request, CancellationToken ct);
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
    /// <summary>
    /// True when an administrator allows local and private repositories: local paths, <c>file://</c>, and hosts whose
    /// address is loopback, private or link-local (see <see cref="Projects.RepositoryNetworkRules"/>). When false
    /// the client refuses them, checking each address it connects to.
    /// </summary>
    public bool AllowPrivateNetworks { get; init; }

    // Credentials stay out of ToString (records print every member, and requests end up in logs and exceptions).
    public override string ToString() =>
        $"GitCloneRequest {{ RepositoryUrl = {RepositoryUrl}, Branch = {Branch}, CommitSha = {CommitSha}, TargetDirectory = {TargetDirectory}, Credentials = {(Credentials is null ? "none" : Credentials.Kind)}, AllowPrivateNetworks = {AllowPrivateNetworks} }}";
}

/// <summary>How to authenticate to a repository: an HTTPS token, or an SSH deploy key.</summary>
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

    /// <summary>
    /// An SSH key pair for ssh:// and scp-like (user@host:path) URLs. <paramref name="PrivateKey"/> is an unencrypted
    /// OpenSSH private key ("-----BEGIN OPENSSH PRIVATE KEY-----"). <paramref name="KnownHostKey"/> is the server's
    /// host key fingerprint ("SHA256:..." as ssh-keygen prints it) seen at the first clone: when set, a server that
    /// shows another key is refused; when null, the key is accepted and reported in
    /// <see cref="ClonedCommit.SshHostKey"/> so the caller can pin it (trust on first use).
    /// </summary>
    public sealed record SshKey(string Username, string PrivateKey, string? KnownHostKey) : GitCredentials
    {
        public override string Kind => "ssh key";

        public override string ToString() => $"SshKey {{ Username = {Username}, PrivateKey = ***, KnownHostKey = {KnownHostKey ?? "none"} }}";
    }
}

/// <summary>Makes SSH deploy keys.</summary>
public interface IDeployKeyGenerator
{
    /// <summary>A new ed25519 key pair from a cryptographic random source; <paramref name="comment"/> ends the public key line.</summary>
    DeployKeyPair Generate(string comment);
}

/// <param name="PublicKey">One OpenSSH line: "ssh-ed25519 AAAA... comment", to paste into the Git host.</param>
/// <param name="PrivateKey">The unencrypted OpenSSH private key; stored only encrypted.</param>
/// <param name="Fingerprint">"SHA256:..." of the public key, as ssh-keygen -l prints it.</param>
public sealed record DeployKeyPair(string PublicKey, string PrivateKey, string Fingerprint)
{
    public override string ToString() => $"DeployKeyPair {{ PublicKey = {PublicKey}, PrivateKey = ***, Fingerprint = {Fingerprint} }}";
}

/// <summary>The commit that was checked out.</summary>
public sealed record ClonedCommit(string Sha, string Message, string Author, DateTimeOffset When)
{
    /// <summary>With <see cref="GitCredentials.SshKey"/>: the fingerprint ("SHA256:...") of the host key the server showed.</summary>
    public string? SshHostKey { get; init; }
}

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
