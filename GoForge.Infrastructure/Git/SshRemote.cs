namespace GoForge.Infrastructure.Git;

/// <summary>
/// Where an SSH Git URL points: ssh://[user@]host[:port]/path, or scp-like [user@]host:path (port 22, path relative to
/// the user's home unless it starts with '/'), read the way git reads them.
/// </summary>
internal sealed record SshRemote(string? User, string Host, int Port, string Path)
{
    public const int DefaultPort = 22;

    /// <summary>All of libgit2's names for ssh; each is routed to our transport, so none reaches its ssh exec.</summary>
    public static readonly IReadOnlyList<string> Schemes = ["ssh", "ssh+git", "git+ssh"];

    /// <summary>
    /// The command the server runs. The path is single-quoted for the server's shell, as git does; a path holding a
    /// quote or a control character is refused when parsed, so no escaping is ever needed.
    /// </summary>
    public string UploadPackCommand => $"git-upload-pack '{Path}'";

    /// <summary>Whether libgit2 would hand this URL to an ssh transport: an ssh scheme, or scp-like syntax.</summary>
    public static bool IsSsh(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            return Schemes.Contains(url[..scheme], StringComparer.OrdinalIgnoreCase);
        }

        return !Core.Projects.RepositoryNetworkRules.IsLocal(url);
    }

    /// <exception cref="ArgumentException">Not an SSH URL, or one with a host, user or path we refuse.</exception>
    public static SshRemote Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var remote = url.Contains("://", StringComparison.Ordinal) ? ParseUrl(url) : ParseScpLike(url);
        Check(remote);
        return remote;
    }

    private static SshRemote ParseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            throw Invalid("is not an ssh:// URL");
        }

        if (uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            throw Invalid("carries a password: SSH clones authenticate with a deploy key only");
        }

        var user = uri.UserInfo.Length == 0 ? null : Uri.UnescapeDataString(uri.UserInfo);
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        // git's convention: ssh://host/~/repo and ssh://host/~user/repo are relative to a home directory.
        if (path.StartsWith("/~", StringComparison.Ordinal))
        {
            path = path[1..];
        }

        return new SshRemote(user, uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, path);
    }

    private static SshRemote ParseScpLike(string url)
    {
        // [user@]host:path, where host may be a bracketed IPv6 address.
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var hostStart = at >= 0 && at < url.IndexOf(':', StringComparison.Ordinal) ? at + 1 : 0;
        int colon;
        string host;
        if (hostStart < url.Length && url[hostStart] == '[')
        {
            var close = url.IndexOf(']', hostStart);
            if (close < 0 || close + 1 >= url.Length || url[close + 1] != ':')
            {
                throw Invalid("has an unterminated [host]");
            }

            host = url[(hostStart + 1)..close];
            colon = close + 1;
        }
        else
        {
            colon = url.IndexOf(':', hostStart);
            if (colon < 0)
            {
                throw Invalid("is neither an ssh:// URL nor user@host:path");
            }

            host = url[hostStart..colon];
        }

        var user = hostStart > 0 ? url[..(hostStart - 1)] : null;
        return new SshRemote(user, host, DefaultPort, url[(colon + 1)..]);
    }

    private static void Check(SshRemote remote)
    {
        if (remote.Host.Length == 0 || remote.Host.StartsWith('-') || remote.Host.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '@' or '/'))
        {
            throw Invalid("has no valid host");
        }

        if (remote.User is { } user && (user.Length == 0 || user.StartsWith('-') || user.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            throw Invalid("has an invalid user name");
        }

        if (remote.Path.Length == 0 || remote.Path.StartsWith('-'))
        {
            throw Invalid("has no repository path");
        }

        // Refused rather than escaped: the path goes into a command line on the server.
        if (remote.Path.Any(c => c == '\'' || char.IsControl(c)))
        {
            throw Invalid("has a repository path with a quote or a control character");
        }
    }

    private static ArgumentException Invalid(string why) => new($"The SSH repository URL {why}.");
}
