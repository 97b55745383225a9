using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Projects;

/// <summary>
/// What names, Git URLs, branches, paths, domains, ports and variable keys may be. The only place these
/// rules live: forms, API, webhooks and CLI all reach them through the Core services.
/// </summary>
public static partial class ProjectInputRules
{
    public const int NameMaxLength = 64;
    public const int SlugMaxLength = 40;
    public const int DescriptionMaxLength = 500;
    public const int GitUrlMaxLength = 2048;
    public const int BranchMaxLength = 255;
    public const int PathMaxLength = 512;
    public const int HealthPathMaxLength = 200;
    public const int MaxDomains = 50;
    public const int VariableKeyMaxLength = 256;
    public const int VariableValueMaxLength = 65536;
    public const int MaxVariablesPerApplication = 500;

    public static string NormalizeName(string? name) => (name ?? string.Empty).Trim();

    public static void ValidateName(string? name, FieldErrors errors, string field = "Name")
    {
        var value = NormalizeName(name);
        if (value.Length == 0)
        {
            errors.Add(field, "Enter a name.");
        }
        else if (value.Length > NameMaxLength)
        {
            errors.Add(field, $"A name has at most {NameMaxLength} characters.");
        }
        else if (value.Any(IsControlOrFormat))
        {
            errors.Add(field, "A name cannot contain control or text-direction characters.");
        }
        else if (Slugify(value).Length == 0)
        {
            errors.Add(field, "A name needs at least one letter or digit.");
        }
    }

    /// <summary>A DNS-label-safe slug: lower-case ASCII letters, digits and single hyphens; accents are dropped.</summary>
    public static string Slugify(string? name)
    {
        var decomposed = NormalizeName(name).Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                builder.Append(lower);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-');
        return slug.Length <= SlugMaxLength ? slug : slug[..SlugMaxLength].TrimEnd('-');
    }

    public static void ValidateDescription(string? description, FieldErrors errors, string field = "Description")
    {
        if (description is { Length: > DescriptionMaxLength })
        {
            errors.Add(field, $"A description has at most {DescriptionMaxLength} characters.");
        }
        else if (description is not null && description.Any(c => c != '\n' && c != '\r' && c != '\t' && IsControlOrFormat(c)))
        {
            errors.Add(field, "A description cannot contain control characters.");
        }
    }

    /// <summary>https/http/ssh/git URLs, scp-style <c>git@host:owner/repo.git</c>, or an absolute local path. Never a transport that runs commands.</summary>
    public static void ValidateGitUrl(string? url, FieldErrors errors, string field = "GitUrl")
    {
        var value = (url ?? string.Empty).Trim();
        if (value.Length == 0)
        {
            errors.Add(field, "Enter the repository's URL.");
            return;
        }

        if (value.Length > GitUrlMaxLength)
        {
            errors.Add(field, $"A repository URL has at most {GitUrlMaxLength} characters.");
            return;
        }

        if (value.StartsWith('-'))
        {
            errors.Add(field, "A repository URL cannot start with '-'.");
            return;
        }

        if (value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || ShellCharacters.Contains(c, StringComparison.Ordinal))
            || value.Contains("::", StringComparison.Ordinal))
        {
            errors.Add(field, "A repository URL cannot contain spaces, control characters, shell characters ($ ` ; | & ' \" < > ( ) { } \\) or '::' (remote helpers like ext:: are refused).");
            return;
        }

        // Invisible text-direction and format characters (U+202E, U+200B, ...) make a URL read as another one.
        if (value.Any(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
        {
            errors.Add(field, "A repository URL cannot contain invisible or text-direction characters.");
            return;
        }

        if (HasDotDotSegment(value))
        {
            errors.Add(field, "A repository URL cannot contain '..' path segments.");
            return;
        }

        if (value.StartsWith('/'))
        {
            if (!LocalPath().IsMatch(value) || HasDotDotSegment(value))
            {
                errors.Add(field, "A local repository path is absolute, without '..', using letters, digits and . _ - / only.");
            }

            return;
        }

        if (ScpLike().IsMatch(value))
        {
            if (HasDotDotSegment(value[(value.IndexOf(':', StringComparison.Ordinal) + 1)..]))
            {
                errors.Add(field, "A repository path cannot contain '..'.");
            }

            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http" or "ssh" or "git"))
        {
            errors.Add(field, "Use an https://, http://, ssh:// or git:// URL, git@host:owner/repo.git, or an absolute local path. Other transports (file://, ext::) are refused.");
            return;
        }

        if (string.IsNullOrEmpty(uri.Host) || uri.Host.StartsWith('-'))
        {
            errors.Add(field, "The repository URL needs a host name.");
        }
        else if (uri.Scheme is "https" or "http" && uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            errors.Add(field, "Do not put a password or token in the URL; add it as the repository's credentials instead.");
        }
        else if (HasDotDotSegment(uri.AbsolutePath))
        {
            errors.Add(field, "A repository path cannot contain '..'.");
        }
    }

    /// <summary>Git's own branch-name rules (git check-ref-format --branch), plus no leading '-'.</summary>
    public static void ValidateBranch(string? branch, FieldErrors errors, string field = "Branch")
    {
        var value = (branch ?? string.Empty).Trim();
        if (value.Length == 0)
        {
            errors.Add(field, "Enter a branch.");
        }
        else if (value.Length > BranchMaxLength)
        {
            errors.Add(field, $"A branch name has at most {BranchMaxLength} characters.");
        }
        else if (value.StartsWith('-') || value.StartsWith('/') || value.EndsWith('/') || value.EndsWith('.')
            || value.EndsWith(".lock", StringComparison.Ordinal) || value == "@"
            || value.Contains("..", StringComparison.Ordinal) || value.Contains("//", StringComparison.Ordinal)
            || value.Contains("@{", StringComparison.Ordinal) || value.Split('/').Any(part => part.StartsWith('.'))
            || value.Any(c => c <= ' ' || c == 0x7f || "~^:?*[\\".Contains(c, StringComparison.Ordinal))
            || value.Any(c => c > 0x7e))
        {
            errors.Add(field, "Not a valid branch name (git's rules: no spaces, '..', '~', '^', ':', '?', '*', '[', '\\', no leading '-').");
        }
    }

    /// <summary>Normalises a path inside the repository: forward slashes, no leading "./", "." for the root.</summary>
    public static string NormalizeRepositoryPath(string? path)
    {
        var value = (path ?? string.Empty).Trim();
        while (value.StartsWith("./", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        value = value.TrimEnd('/');
        return value.Length == 0 ? "." : value;
    }

    /// <summary>A relative path that stays inside the repository.</summary>
    public static void ValidateRepositoryPath(string? path, FieldErrors errors, string field, bool allowRoot)
    {
        var value = NormalizeRepositoryPath(path);
        if (value.Length > PathMaxLength)
        {
            errors.Add(field, $"A path has at most {PathMaxLength} characters.");
        }
        else if (value == "." && !allowRoot)
        {
            errors.Add(field, "Enter a file path inside the repository.");
        }
        else if (value.StartsWith('/') || value.Contains('\\', StringComparison.Ordinal) || value.StartsWith('-')
            || HasDotDotSegment(value) || !RepositoryPath().IsMatch(value))
        {
            errors.Add(field, "Use a relative path inside the repository (letters, digits, . _ - / and spaces; no '..', no leading '/' or '-').");
        }
    }

    public static void ValidatePort(int? port, FieldErrors errors, string field = "ContainerPort")
    {
        if (port is null or < 1 or > 65535)
        {
            errors.Add(field, "A port is a number from 1 to 65535.");
        }
    }

    public static void ValidateHealthCheckPath(string? path, FieldErrors errors, string field = "HealthCheckPath")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        if (path.Length > HealthPathMaxLength || !path.StartsWith('/') || !HealthPath().IsMatch(path))
        {
            errors.Add(field, $"A health-check path starts with '/', has at most {HealthPathMaxLength} characters and no spaces.");
        }
    }

    public static void ValidateLimits(int? memoryMb, decimal? cpus, FieldErrors errors)
    {
        if (memoryMb is < 6 or > 1_048_576)
        {
            errors.Add("MemoryLimitMb", "A memory limit is from 6 MB to 1 TB, or empty for none.");
        }

        if (cpus is < 0.01m or > 1024m || (cpus is { } c && decimal.Round(c, 2) != c))
        {
            errors.Add("CpuLimit", "A CPU limit is from 0.01 to 1024 with at most two decimals, or empty for none.");
        }
    }

    /// <summary>
    /// Parses domains, one per line or separated by commas: <c>host</c> or <c>host/path</c>. Hosts are stored in
    /// <see cref="DomainNames.Normalize"/>'s form: punycode, lower-case, no trailing dot, checked against RFC 1123.
    /// A <paramref name="compose"/> application's domain names the service it routes to, <c>service: host/path</c>
    /// (<see cref="ComposeSourceRules"/>); any other application's never does.
    /// </summary>
    public static IReadOnlyList<AppDomainRoute> ParseDomains(string? text, FieldErrors errors, string field = "Domains", bool compose = false)
    {
        var routes = new List<AppDomainRoute>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return routes;
        }

        foreach (var raw in text.Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (routes.Count == MaxDomains)
            {
                errors.Add(field, $"An application has at most {MaxDomains} domains.");
                break;
            }

            var (service, route) = ComposeSourceRules.SplitDomainLine(raw);
            if (ComposeServiceProblem(raw, service, compose) is { } problem)
            {
                errors.Add(field, problem);
                continue;
            }

            var slash = route.IndexOf('/', StringComparison.Ordinal);
            var path = slash < 0 ? null : NormalizePathPrefix(route[slash..]);
            if (DomainNames.Normalize(slash < 0 ? route : route[..slash]) is not { } host)
            {
                errors.Add(field, $"'{Shorten(raw)}' is not a valid host name (letters, digits and hyphens, with at least one dot).");
            }
            else if (path is not null && (path.Length > HealthPathMaxLength || !PathPrefix().IsMatch(path) || HasDotDotSegment(path)))
            {
                errors.Add(field, $"'{Shorten(raw)}' has an invalid path prefix (letters, digits and . _ ~ - /; no '..').");
            }
            else if (routes.Any(r => r.Host == host && r.PathPrefix == path))
            {
                errors.Add(field, $"'{Shorten(raw)}' is listed twice.");
            }
            else
            {
                routes.Add(new AppDomainRoute(host, path) { Service = service });
            }
        }

        return routes;
    }

    private static string? ComposeServiceProblem(string raw, string? service, bool compose) => (service, compose) switch
    {
        (null, true) => $"'{Shorten(raw)}' needs the compose service it routes to, as 'web: {Shorten(raw)}'.",
        (not null, false) => $"'{Shorten(raw)}' names a service: only a compose application's domains do; enter the host (and path) alone.",
        ({ } name, true) when !ComposeSourceRules.IsServiceName(name) =>
            $"'{Shorten(name)}' is not a service name: lower-case letters, digits, '-' and '_', starting with a letter or digit, at most {ComposeSourceRules.ServiceNameMaxLength} characters.",
        _ => null,
    };

    public static void ValidateVariableKey(string? key, FieldErrors errors, string field = "Key")
    {
        if (string.IsNullOrEmpty(key))
        {
            errors.Add(field, "Enter a key.");
        }
        else if (key.Length > VariableKeyMaxLength)
        {
            errors.Add(field, $"A key has at most {VariableKeyMaxLength} characters.");
        }
        else if (!VariableKey().IsMatch(key))
        {
            errors.Add(field, $"'{Shorten(key)}' is not a valid key: letters, digits and '_', not starting with a digit.");
        }
    }

    public static void ValidateVariableValue(string? value, FieldErrors errors, string field = "Value")
    {
        if (value is { Length: > VariableValueMaxLength })
        {
            errors.Add(field, $"A value has at most {VariableValueMaxLength} characters.");
        }
        else if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add(field, "A value cannot contain a NUL character.");
        }
    }

    // Never needed in a repository address; refusing them keeps hostile strings out of logs and tools.
    private const string ShellCharacters = "$`;|&'\"<>(){}\\";

    internal static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static string? NormalizePathPrefix(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? null : trimmed;
    }

    private static bool HasDotDotSegment(string path) => path.Split('/', '\\').Any(segment => segment == "..");

    private static bool IsControlOrFormat(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    [GeneratedRegex("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ScpLike();

    [GeneratedRegex("^/[A-Za-z0-9._/-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LocalPath();

    [GeneratedRegex("^[A-Za-z0-9._/ +@-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPath();

    [GeneratedRegex("^/[A-Za-z0-9._~/?=&%+-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HealthPath();

    [GeneratedRegex("^/[A-Za-z0-9._~/-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathPrefix();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex VariableKey();
}
