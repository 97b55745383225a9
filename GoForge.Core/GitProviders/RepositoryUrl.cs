namespace GoForge.Core.GitProviders;

/// <summary>
/// One key per repository, whatever form its URL takes: <c>https://github.com/Acme/Shop.git</c>,
/// <c>git@github.com:acme/shop</c> and <c>ssh://git@github.com:22/acme/shop.git/</c> all become
/// <c>github.com/acme/shop</c>. Webhook payloads name a repository by several URLs; an application names it by one.
/// </summary>
public static class RepositoryUrl
{
    /// <summary>The comparison key (lower case, no scheme, user, port, trailing slash or <c>.git</c>), or null for something that is no repository URL.</summary>
    public static string? Key(string? url)
    {
        var value = url?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return null;
        }

        if (value.StartsWith('/'))
        {
            // A local path (tests, single-host setups): its own namespace, which no host name can reach.
            var local = value.TrimEnd('/');
            local = local.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? local[..^4] : local;
            return local.Length == 0 ? null : "file:" + local;
        }

        string host;
        string path;
        if (value.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                return null;
            }

            host = uri.Host;
            path = Uri.UnescapeDataString(uri.AbsolutePath);
        }
        else
        {
            // scp-like: [user@]host:path
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            var authority = value[..colon];
            host = authority[(authority.LastIndexOf('@') + 1)..];
            path = value[(colon + 1)..];
        }

        path = path.Trim('/');
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^4].TrimEnd('/');
        }

        return host.Length == 0 || path.Length == 0 ? null : $"{host}/{path}".ToLowerInvariant();
    }

    /// <summary>True when any of <paramref name="candidates"/> names the same repository as <paramref name="url"/>.</summary>
    public static bool Matches(string url, IEnumerable<string?> candidates)
    {
        var key = Key(url);
        return key is not null && candidates.Any(c => Key(c) == key);
    }
}
