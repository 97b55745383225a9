namespace GoForge.Core.Routing;

/// <summary>Whether requests to one form of a host name (with or without <c>www.</c>) are sent to the other.</summary>
public enum WwwRedirect
{
    None,

    /// <summary><c>example.com</c> answers with a permanent redirect to <c>www.example.com</c>.</summary>
    ToWww,

    /// <summary><c>www.example.com</c> answers with a permanent redirect to <c>example.com</c>.</summary>
    ToApex,
}

/// <summary>A basic-auth user: the name and a bcrypt hash (<c>$2y$</c>) of the password. The password itself is never kept.</summary>
public sealed record BasicAuthUser(string UserName, string PasswordHash);

/// <summary>A response header the proxy adds (or replaces) on every answer of the application.</summary>
public sealed record ResponseHeader(string Name, string Value);

/// <summary>Requests per second allowed on average, and how many may arrive at once above it.</summary>
public sealed record RateLimit(int AveragePerSecond, int Burst);

/// <summary>
/// How the proxy serves one application, beyond its domains: redirects, access control and response shaping.
/// Its own aggregate (table <c>application_routing</c>), so changing it never touches the application record.
/// Every value here has passed <see cref="RoutingInputRules"/>.
/// </summary>
public sealed record RoutingSettings
{
    public required Guid ApplicationId { get; init; }

    /// <summary>Plain HTTP answers with a permanent redirect to HTTPS. On by default.</summary>
    public bool RedirectToHttps { get; init; } = true;

    public WwwRedirect WwwRedirect { get; init; } = WwwRedirect.None;

    /// <summary>When not empty, every request needs one of these users (HTTP basic auth).</summary>
    public IReadOnlyList<BasicAuthUser> BasicAuthUsers { get; init; } = [];

    /// <summary>When not empty, only clients from these networks (normalised CIDRs) are served.</summary>
    public IReadOnlyList<string> IpAllowList { get; init; } = [];

    /// <summary>Per-client request rate limit; none when null.</summary>
    public RateLimit? RateLimit { get; init; }

    /// <summary>Adds HSTS, nosniff, frame-deny, XSS-filter and referrer-policy headers.</summary>
    public bool SecurityHeaders { get; init; }

    public IReadOnlyList<ResponseHeader> ResponseHeaders { get; init; } = [];

    /// <summary>Removes the domains' path prefixes before requests reach the application.</summary>
    public bool StripPathPrefix { get; init; }

    /// <summary>Compresses responses (gzip, brotli, zstd as the client accepts).</summary>
    public bool Compression { get; init; }

    /// <summary>The proxy's certificate resolver for this application; null uses the proxy's default.</summary>
    public string? CertResolver { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>What an application gets before anyone changes its routing: HTTPS with a redirect, nothing else.</summary>
    public static RoutingSettings Defaults(Guid applicationId) => new() { ApplicationId = applicationId };
}
