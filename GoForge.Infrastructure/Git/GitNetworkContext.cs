using GoForge.Core.Deployments;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// What one clone hands the network transports (smart HTTP, git://, ssh): whether local and private addresses may be
/// reached, the token (for smart HTTP), the per-clone HTTP client, and where to record a failure. It flows like
/// <see cref="SshCloneContext"/>: libgit2 calls the transports back synchronously on the thread that cloned.
/// </summary>
internal sealed class GitNetworkContext(GitCloneRequest request, CloneFailure failure, Func<HttpClient> http, CancellationToken ct) : IDisposable
{
    private static readonly AsyncLocal<GitNetworkContext?> CurrentContext = new();
    private HttpClient? _http;

    public string Url { get; } = request.RepositoryUrl;

    public bool AllowPrivateNetworks { get; } = request.AllowPrivateNetworks;

    public GitCredentials.UsernamePassword? Token { get; } = request.Credentials as GitCredentials.UsernamePassword;

    public CloneFailure Failure { get; } = failure;

    public CancellationToken CancellationToken { get; } = ct;

    /// <summary>One client per clone: its connections are never reused by a clone under another policy.</summary>
    public HttpClient Http => _http ??= http();

    /// <summary>True once the token was sent (after the server's first 401, and then on every request, as git does).</summary>
    public bool SendToken { get; set; }

    /// <summary>The repository URL after the server redirected the ref listing; the following requests go there.</summary>
    public string? RedirectedUrl { get; set; }

    public static GitNetworkContext? Current => CurrentContext.Value;

    public static IDisposable Enter(GitNetworkContext context)
    {
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return new Scope(previous, context);
    }

    public void Dispose() => _http?.Dispose();

    private sealed class Scope(GitNetworkContext? previous, GitNetworkContext current) : IDisposable
    {
        public void Dispose()
        {
            CurrentContext.Value = previous;
            current.Dispose();
        }
    }
}
