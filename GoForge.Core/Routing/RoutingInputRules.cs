using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using GoForge.Core.Common;
using GoForge.Core.Projects;

namespace GoForge.Core.Routing;

/// <summary>
/// What routing settings may be. The only place these rules live; the proxy adapters build rules and labels
/// from values that passed here, and <see cref="Validate"/> checks a stored model again before any label is made.
/// Everything is ASCII from a small alphabet: no value can carry a backtick, a quote, a comma or a line break
/// into a proxy rule or label.
/// </summary>
public static partial class RoutingInputRules
{
    public const int MaxBasicAuthUsers = 20;
    public const int UserNameMaxLength = 64;
    public const int PasswordMinLength = 8;

    /// <summary>bcrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused.</summary>
    public const int PasswordMaxBytes = 72;

    public const int MaxAllowListEntries = 100;
    public const int MaxRateLimitAverage = 10_000;
    public const int MaxRateLimitBurst = 100_000;
    public const int MaxResponseHeaders = 30;
    public const int HeaderNameMaxLength = 64;
    public const int HeaderValueMaxLength = 1024;
    public const int CertResolverMaxLength = 64;

    // Longer text is refused before it is split, so a huge paste costs nothing.
    private const int MaxTextLength = 40_000;

    /// <summary>Headers the security preset sets; a custom header of the same name would fight it.</summary>
    public static readonly IReadOnlySet<string> SecurityPresetHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "X-XSS-Protection", "Referrer-Policy",
    };

    // Framing and hop-by-hop headers belong to the proxy; setting them would break responses.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Content-Length", "Host", "Keep-Alive", "Proxy-Authenticate", "Proxy-Connection", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade",
    };

    public static void ValidateUserName(string? name, FieldErrors errors, string field = "BasicAuthUsers")
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(field, "Enter a user name.");
        }
        else if (name.Length > UserNameMaxLength || !UserName().IsMatch(name))
        {
            errors.Add(field, $"'{ProjectInputRules.Shorten(name)}' is not a valid user name: up to {UserNameMaxLength} ASCII letters, digits and . _ - (no ':' or ',').");
        }
    }

    public static void ValidatePassword(string password, FieldErrors errors, string field = "BasicAuthUsers")
    {
        if (password.Length < PasswordMinLength)
        {
            errors.Add(field, $"A password has at least {PasswordMinLength} characters.");
        }
        else if (Encoding.UTF8.GetByteCount(password) > PasswordMaxBytes)
        {
            errors.Add(field, $"A password has at most {PasswordMaxBytes} bytes (bcrypt ignores the rest).");
        }
        else if (password.Any(char.IsControl))
        {
            errors.Add(field, "A password cannot contain control characters.");
        }
    }

    /// <summary>Networks in CIDR form (a bare address means just that address), one per line or separated by commas or spaces.</summary>
    public static IReadOnlyList<string> ParseAllowList(string? text, FieldErrors errors, string field = "IpAllowList")
    {
        var networks = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return networks;
        }

        if (text.Length > MaxTextLength)
        {
            errors.Add(field, $"An allow-list has at most {MaxAllowListEntries} networks.");
            return networks;
        }

        foreach (var entry in text.Split(['\n', '\r', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (networks.Count == MaxAllowListEntries)
            {
                errors.Add(field, $"An allow-list has at most {MaxAllowListEntries} networks.");
                break;
            }

            if (TryNormalizeNetwork(entry) is not { } network)
            {
                errors.Add(field, $"'{ProjectInputRules.Shorten(entry)}' is not a network in CIDR form (203.0.113.0/24, 2001:db8::/32) or an address; host bits after the prefix must be zero.");
            }
            else if (networks.Contains(network))
            {
                errors.Add(field, $"'{network}' is listed twice.");
            }
            else
            {
                networks.Add(network);
            }
        }

        return networks;
    }

    public static RateLimit? ValidateRateLimit(int? average, int? burst, FieldErrors errors)
    {
        if (average is null && burst is null)
        {
            return null;
        }

        if (average is null or < 1 or > MaxRateLimitAverage)
        {
            errors.Add("RateLimitAverage", $"An average rate is from 1 to {MaxRateLimitAverage} requests per second.");
        }

        if (burst is null or < 1 or > MaxRateLimitBurst)
        {
            errors.Add("RateLimitBurst", $"A burst is from 1 to {MaxRateLimitBurst} requests.");
        }
        else if (burst < average)
        {
            errors.Add("RateLimitBurst", "A burst is at least the average rate.");
        }

        return average is > 0 && burst is > 0 ? new RateLimit(average.Value, burst.Value) : null;
    }

    /// <summary>Response headers, one <c>Name: value</c> per line.</summary>
    public static IReadOnlyList<ResponseHeader> ParseResponseHeaders(string? text, FieldErrors errors, string field = "ResponseHeaders")
    {
        var headers = new List<ResponseHeader>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return headers;
        }

        if (text.Length > MaxTextLength)
        {
            errors.Add(field, $"At most {MaxResponseHeaders} headers of {HeaderValueMaxLength} characters each.");
            return headers;
        }

        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            if (headers.Count == MaxResponseHeaders)
            {
                errors.Add(field, $"At most {MaxResponseHeaders} response headers.");
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                errors.Add(field, $"'{ProjectInputRules.Shorten(line)}' is not 'Name: value'.");
                continue;
            }

            var header = new ResponseHeader(line[..colon].Trim(), line[(colon + 1)..].Trim(' ', '\t'));
            if (HeaderProblem(header) is { } problem)
            {
                errors.Add(field, problem);
            }
            else if (headers.Any(h => string.Equals(h.Name, header.Name, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(field, $"'{header.Name}' is listed twice.");
            }
            else
            {
                headers.Add(header);
            }
        }

        return headers;
    }

    public static void ValidateHeader(ResponseHeader header, FieldErrors errors, string field = "ResponseHeaders")
    {
        if (HeaderProblem(header) is { } problem)
        {
            errors.Add(field, problem);
        }
    }

    private static string? HeaderProblem(ResponseHeader header)
    {
        if (header.Name.Length is 0 or > HeaderNameMaxLength || !HeaderName().IsMatch(header.Name))
        {
            return $"'{ProjectInputRules.Shorten(header.Name)}' is not a valid header name: ASCII letters, digits and '-', up to {HeaderNameMaxLength} characters.";
        }

        if (ReservedHeaders.Contains(header.Name))
        {
            return $"'{header.Name}' is managed by the proxy and cannot be set.";
        }

        if (header.Value.Length is 0 or > HeaderValueMaxLength)
        {
            return $"The value of '{header.Name}' has 1 to {HeaderValueMaxLength} characters.";
        }

        // Caddy reads {…} in a header value as a placeholder ({env.X}, {file./…}): a value could pull the proxy's
        // environment or files into every answer. Refused here; the Caddy adapter escapes them too.
        if (header.Value.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            return $"The value of '{header.Name}' cannot contain '{{' or '}}': the proxy would read them as placeholders.";
        }

        return header.Value.All(IsHeaderValueChar)
            ? null
            : $"The value of '{header.Name}' may hold printable ASCII only, without '`', '\"', ',' or line breaks.";
    }

    public static void ValidateCertResolver(string? name, FieldErrors errors, string field = "CertResolver")
    {
        if (name is not null && (name.Length > CertResolverMaxLength || !ResolverName().IsMatch(name)))
        {
            errors.Add(field, $"A certificate resolver's name has up to {CertResolverMaxLength} ASCII letters, digits, '_' and '-', starting with a letter.");
        }
    }

    /// <summary>
    /// Checks domains again with the strictest form <see cref="ProjectInputRules.ParseDomains"/> produces: lower-case
    /// punycode host names and plain path prefixes. Used before any proxy rule is built from them.
    /// </summary>
    public static void ValidateRoutes(IReadOnlyList<AppDomainRoute> routes, FieldErrors errors, string field = "Domains")
    {
        if (routes.Count > ProjectInputRules.MaxDomains)
        {
            errors.Add(field, $"An application has at most {ProjectInputRules.MaxDomains} domains.");
            return;
        }

        foreach (var route in routes)
        {
            if (!IsHostName(route.Host))
            {
                errors.Add(field, $"'{ProjectInputRules.Shorten(route.Host)}' is not a valid host name.");
            }
            else if (route.PathPrefix is { } path
                && (path.Length > ProjectInputRules.HealthPathMaxLength || !PathPrefix().IsMatch(path) || path.Split('/').Contains("..")))
            {
                errors.Add(field, $"'{ProjectInputRules.Shorten(path)}' is not a valid path prefix.");
            }
        }
    }

    /// <summary>Checks a whole settings model, as stored: what the proxy adapters rely on.</summary>
    public static void Validate(RoutingSettings settings, FieldErrors errors)
    {
        if (!Enum.IsDefined(settings.WwwRedirect))
        {
            errors.Add(nameof(RoutingSettings.WwwRedirect), "Choose how www is redirected.");
        }

        if (settings.BasicAuthUsers.Count > MaxBasicAuthUsers)
        {
            errors.Add(nameof(RoutingSettings.BasicAuthUsers), $"At most {MaxBasicAuthUsers} basic-auth users.");
        }
        else
        {
            foreach (var user in settings.BasicAuthUsers)
            {
                ValidateUserName(user.UserName, errors);
                if (!IsBcryptHash(user.PasswordHash))
                {
                    errors.Add(nameof(RoutingSettings.BasicAuthUsers), $"The password of '{ProjectInputRules.Shorten(user.UserName)}' is not stored as a bcrypt hash.");
                }
            }

            if (settings.BasicAuthUsers.DistinctBy(u => u.UserName, StringComparer.Ordinal).Count() != settings.BasicAuthUsers.Count)
            {
                errors.Add(nameof(RoutingSettings.BasicAuthUsers), "Each user name is listed once.");
            }
        }

        if (settings.IpAllowList.Count > MaxAllowListEntries
            || settings.IpAllowList.Any(n => TryNormalizeNetwork(n) != n)
            || settings.IpAllowList.Distinct(StringComparer.Ordinal).Count() != settings.IpAllowList.Count)
        {
            errors.Add(nameof(RoutingSettings.IpAllowList), "The allow-list holds only distinct, normalised CIDR networks.");
        }

        if (settings.RateLimit is { } limit)
        {
            ValidateRateLimit(limit.AveragePerSecond, limit.Burst, errors);
        }

        if (settings.ResponseHeaders.Count > MaxResponseHeaders)
        {
            errors.Add(nameof(RoutingSettings.ResponseHeaders), $"At most {MaxResponseHeaders} response headers.");
        }
        else
        {
            foreach (var header in settings.ResponseHeaders)
            {
                ValidateHeader(header, errors);
                if (settings.SecurityHeaders && SecurityPresetHeaders.Contains(header.Name))
                {
                    errors.Add(nameof(RoutingSettings.ResponseHeaders), $"'{header.Name}' is set by the security headers preset; turn the preset off to set it yourself.");
                }
            }

            if (settings.ResponseHeaders.DistinctBy(h => h.Name, StringComparer.OrdinalIgnoreCase).Count() != settings.ResponseHeaders.Count)
            {
                errors.Add(nameof(RoutingSettings.ResponseHeaders), "Each header is listed once.");
            }
        }

        ValidateCertResolver(settings.CertResolver, errors);
    }

    /// <summary>A bcrypt hash as Traefik reads it: <c>$2y$</c> or <c>$2a$</c> (its htpasswd reader knows no <c>$2b$</c>), a cost, 53 characters of bcrypt's base64.</summary>
    public static bool IsBcryptHash(string? hash) => hash is not null && BcryptHash().IsMatch(hash);

    /// <summary>A host name in the form <see cref="ProjectInputRules.ParseDomains"/> stores: lower-case ASCII labels, at least one dot.</summary>
    public static bool IsHostName(string? host) =>
        host is { Length: >= 3 and <= 253 } && host.Split('.') is { Length: >= 2 } labels && labels.All(l => l.Length <= 63 && HostLabel().IsMatch(l));

    /// <summary>The network's canonical CIDR text, or null when <paramref name="entry"/> is not a network.</summary>
    private static string? TryNormalizeNetwork(string entry)
    {
        // A small alphabet first: IPAddress parsing also accepts forms like "127.1" or zone ids ("%eth0").
        if (entry.Length > 43 || !entry.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':' or '/'))
        {
            return null;
        }

        var isV6 = entry.Contains(':', StringComparison.Ordinal);
        var candidate = entry.Contains('/', StringComparison.Ordinal) ? entry : entry + (isV6 ? "/128" : "/32");
        if (!isV6 && !DottedQuad().IsMatch(candidate))
        {
            return null;
        }

        // IPNetwork masks host bits away ("10.0.0.1/8" becomes 10.0.0.0/8): refuse instead of widening what was meant.
        return IPNetwork.TryParse(candidate, out var network)
            && IPAddress.TryParse(candidate[..candidate.IndexOf('/', StringComparison.Ordinal)], out var address)
            && network.BaseAddress.Equals(address)
                ? network.ToString()
                : null;
    }

    private static bool IsHeaderValueChar(char c) => c is >= ' ' and <= '~' and not ('`' or '"' or ',');

    [GeneratedRegex("^[A-Za-z0-9._-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex UserName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ResolverName();

    [GeneratedRegex("^\\$2[ay]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptHash();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostLabel();

    [GeneratedRegex("^/[A-Za-z0-9._~/-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathPrefix();

    [GeneratedRegex("^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}/([0-9]|[12][0-9]|3[0-2])\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DottedQuad();
}
