using GoForge.Core.Deployments;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// What one clone hands its SSH transport, and what the transport hands back. libgit2's transport registration is
/// global and creates the transport itself, so the clone's key cannot be passed in: it flows in an
/// <see cref="AsyncLocal{T}"/>, set on the thread that calls libgit2, which calls the transport back synchronously
/// on that same thread. Each clone has its own value, so concurrent clones with different keys cannot mix.
/// </summary>
internal sealed class SshCloneContext(string url, GitCredentials.SshKey key, CloneFailure failure, CancellationToken ct)
{
    private static readonly AsyncLocal<SshCloneContext?> CurrentContext = new();

    /// <summary>The clone's URL: the transport refuses any other, so the key is only ever offered where it was meant to go.</summary>
    public string Url { get; } = url;

    public GitCredentials.SshKey Key { get; } = key;

    public CancellationToken CancellationToken { get; } = ct;

    /// <summary>The fingerprint ("SHA256:...") of the host key the server showed; set by the transport.</summary>
    public string? HostKey { get; set; }

    /// <summary>Why the transport failed, in words for the user (never key material); written by the transport.</summary>
    public CloneFailure Failure { get; } = failure;

    public static SshCloneContext? Current => CurrentContext.Value;

    /// <summary>Makes <paramref name="context"/> current until the returned scope is disposed.</summary>
    public static IDisposable Enter(SshCloneContext context)
    {
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return new Scope(previous);
    }

    private sealed class Scope(SshCloneContext? previous) : IDisposable
    {
        public void Dispose() => CurrentContext.Value = previous;
    }
}
