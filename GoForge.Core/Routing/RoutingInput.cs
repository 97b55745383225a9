namespace GoForge.Core.Routing;

/// <summary>One basic-auth user as a form holds it. An empty password keeps the stored hash of an existing user.</summary>
public sealed record BasicAuthUserInput
{
    public string? UserName { get; set; }

    public string? Password { get; set; }
}

/// <summary>
/// What a user enters for an application's routing (forms bind to it directly). The allow-list is text, one CIDR
/// per line; response headers are text, one <c>Name: value</c> per line. Never carries password hashes out.
/// </summary>
public sealed record RoutingInput
{
    public bool RedirectToHttps { get; set; } = true;

    public WwwRedirect WwwRedirect { get; set; } = WwwRedirect.None;

    public IReadOnlyList<BasicAuthUserInput> BasicAuthUsers { get; set; } = [];

    public string? IpAllowList { get; set; }

    /// <summary>Requests per second on average; empty (with <see cref="RateLimitBurst"/>) for no limit.</summary>
    public int? RateLimitAverage { get; set; }

    public int? RateLimitBurst { get; set; }

    public bool SecurityHeaders { get; set; }

    public string? ResponseHeaders { get; set; }

    public bool StripPathPrefix { get; set; }

    public bool Compression { get; set; }

    /// <summary>Empty for the proxy's default resolver.</summary>
    public string? CertResolver { get; set; }

    public static RoutingInput From(RoutingSettings settings) => new()
    {
        RedirectToHttps = settings.RedirectToHttps,
        WwwRedirect = settings.WwwRedirect,
        BasicAuthUsers = settings.BasicAuthUsers.Select(u => new BasicAuthUserInput { UserName = u.UserName }).ToList(),
        IpAllowList = string.Join('\n', settings.IpAllowList),
        RateLimitAverage = settings.RateLimit?.AveragePerSecond,
        RateLimitBurst = settings.RateLimit?.Burst,
        SecurityHeaders = settings.SecurityHeaders,
        ResponseHeaders = string.Join('\n', settings.ResponseHeaders.Select(h => $"{h.Name}: {h.Value}")),
        StripPathPrefix = settings.StripPathPrefix,
        Compression = settings.Compression,
        CertResolver = settings.CertResolver,
    };
}
