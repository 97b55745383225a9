namespace GoForge.Core.GitProviders;

public enum GitCredentialKind
{
    /// <summary>HTTPS basic authentication with an access token as the password (GitHub, GitLab and Gitea tokens).</summary>
    Token,

    /// <summary>An ed25519 deploy key GoForge generated; the Git host holds the public half.</summary>
    SshKey,
}

/// <summary>
/// How GoForge authenticates to an application's repository: set on the application, or on its project for every
/// application in it (the application's own wins). <see cref="Secret"/> (the token or the private key) is plain text
/// in memory only; at rest it is encrypted.
/// </summary>
public sealed record GitCredential
{
    public required Guid Id { get; init; }

    public required Guid ProjectId { get; init; }

    /// <summary>Null for a project's credential.</summary>
    public Guid? ApplicationId { get; init; }

    public required GitCredentialKind Kind { get; init; }

    /// <summary>The HTTPS user name (for tokens), or the SSH user when the URL names none.</summary>
    public required string Username { get; init; }

    public required string Secret { get; init; }

    /// <summary>The OpenSSH public key line of a deploy key.</summary>
    public string? PublicKey { get; init; }

    /// <summary>"SHA256:..." of the deploy key.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The SSH server's host key fingerprint, pinned at the first clone; a server showing another key is refused.</summary>
    public string? KnownHostKey { get; init; }

    /// <summary>
    /// The host the credential was saved for (as <see cref="RepositoryNetworkRules.Host"/> gives it): it is used only for a
    /// repository URL on that host. Null for a credential that predates hosts and had no repository to take one from:
    /// never used until saved again.
    /// </summary>
    public string? Host { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public override string ToString() =>
        $"GitCredential {{ Id = {Id}, ProjectId = {ProjectId}, ApplicationId = {ApplicationId}, Kind = {Kind}, Host = {Host}, Username = {Username}, Secret = ***, Fingerprint = {Fingerprint} }}";
}

/// <summary>A credential as a page shows it: never the token or the private key.</summary>
/// <param name="Inherited">True when an application uses its project's credential.</param>
/// <param name="Host">The host the credential is used for; null when it predates hosts and must be saved again.</param>
public sealed record GitCredentialView(
    GitCredentialKind Kind,
    string Username,
    string? PublicKey,
    string? Fingerprint,
    string? KnownHostKey,
    bool Inherited,
    DateTimeOffset UpdatedAt,
    string? Host = null)
{
    public static GitCredentialView From(GitCredential credential, bool inherited) =>
        new(credential.Kind, credential.Username, credential.PublicKey, credential.Fingerprint, credential.KnownHostKey, inherited, credential.UpdatedAt, credential.Host);
}

/// <summary>Credentials with plain-text secrets in and out; the implementation encrypts them at rest.</summary>
public interface IGitCredentialRepository
{
    /// <summary>The project's own credential (<paramref name="applicationId"/> null) or the application's own.</summary>
    Task<GitCredential?> GetAsync(Guid projectId, Guid? applicationId, CancellationToken ct = default);

    /// <summary>Stores the credential, replacing the one of the same scope.</summary>
    Task SaveAsync(GitCredential credential, CancellationToken ct = default);

    Task<bool> DeleteAsync(Guid projectId, Guid? applicationId, CancellationToken ct = default);

    /// <summary>Pins the host key unless one is pinned already (trust on first use); true when this call pinned it.</summary>
    Task<bool> PinHostKeyAsync(Guid credentialId, string fingerprint, CancellationToken ct = default);

    /// <summary>Forgets the pinned host key, so the next clone pins the key the server shows then.</summary>
    Task<bool> ForgetHostKeyAsync(Guid credentialId, CancellationToken ct = default);
}
