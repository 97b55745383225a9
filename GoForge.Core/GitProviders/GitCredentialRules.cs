using GoForge.Core.Projects;
using GoForge.Core.Common;

namespace GoForge.Core.GitProviders;

/// <summary>What a repository user name and token may be; checked once here for every entry point.</summary>
public static class GitCredentialRules
{
    public const int UsernameMaxLength = 100;
    public const int TokenMaxLength = 1000;

    public static void ValidateUsername(string? username, FieldErrors errors, string field = nameof(GitTokenInput.Username))
    {
        var value = username?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            errors.Add(field, "Enter the user name the token belongs to (any non-empty name works for GitHub and GitLab tokens, e.g. 'git').");
        }
        else if (value.Length > UsernameMaxLength)
        {
            errors.Add(field, $"A user name has at most {UsernameMaxLength} characters.");
        }
        else if (value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || IsFormat(c) || c is ':' or '@' or '/'))
        {
            errors.Add(field, "A user name cannot contain spaces, control or text-direction characters, ':', '@' or '/'.");
        }
    }

    public static void ValidateToken(string? token, FieldErrors errors, string field = nameof(GitTokenInput.Token))
    {
        var value = token?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            errors.Add(field, "Paste the access token.");
        }
        else if (value.Length > TokenMaxLength)
        {
            errors.Add(field, $"A token has at most {TokenMaxLength} characters.");
        }
        else if (value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || IsFormat(c)))
        {
            errors.Add(field, "A token cannot contain spaces, control or text-direction characters.");
        }
    }

    // Invisible characters such as U+202E (right-to-left override) make a name read as something else.
    private static bool IsFormat(char c) => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    /// <summary>A host name as a credential is bound to it (lower case, ASCII), or null when <paramref name="host"/> is not a bare host name.</summary>
    public static string? NormalizeHost(string? host)
    {
        var value = host?.Trim() ?? string.Empty;
        if (value.Length is 0 or > 253 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || IsFormat(c) || c is '/' or '@' or ':' or '?' or '#' or '\\'))
        {
            return null;
        }

        return Uri.CheckHostName(value) is UriHostNameType.Dns or UriHostNameType.IPv4 ? RepositoryNetworkRules.Host($"https://{value}/") : null;
    }

    /// <summary>ssh:// and scp-like (git@host:owner/repo) URLs; everything else clones over http(s), git:// or a local path.</summary>
    public static bool IsSshUrl(string url) =>
        url.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase)
        || (!url.Contains("://", StringComparison.Ordinal) && !url.StartsWith('/') && url.IndexOf(':', StringComparison.Ordinal) > 0);
}
