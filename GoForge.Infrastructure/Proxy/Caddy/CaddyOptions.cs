using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Caddy;

/// <summary>How GoForge reaches and configures Caddy (section <c>GoForge:Proxy:Caddy</c>).</summary>
public sealed class CaddyOptions
{
    public const string SectionName = "GoForge:Proxy:Caddy";

    /// <summary>
    /// Caddy's admin API. Loopback <c>http</c> only: the admin API can rewrite every route and has no authentication
    /// of its own, so GoForge refuses to send it anything over a network.
    /// </summary>
    public Uri AdminUrl { get; set; } = new("http://127.0.0.1:2019/");

    /// <summary>The id of the HTTP server in Caddy's config (<c>apps.http.servers.&lt;id&gt;</c>) that GoForge adds its routes to.</summary>
    public string ServerName { get; set; } = "goforge";

    /// <summary>
    /// True: routes dial the container's IP address (Caddy on the host). False: they dial the container's name
    /// (Caddy in a container on the proxy network, resolving names through Docker's DNS).
    /// </summary>
    public bool UseAddress { get; set; } = true;

    /// <summary>Whether Caddy serves HTTPS (its automatic HTTPS); when on, applications that ask for it get an HTTP→HTTPS redirect route.</summary>
    public bool AutomaticHttps { get; set; } = true;

    /// <summary>How long one admin API call may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed partial class CaddyOptionsValidator : IValidateOptions<CaddyOptions>
{
    public ValidateOptionsResult Validate(string? name, CaddyOptions options)
    {
        var failures = new List<string>();
        var url = options.AdminUrl;
        if (url is null || !url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttp || !IsLoopback(url.Host)
            || !string.IsNullOrEmpty(url.UserInfo) || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.AdminUrl)} must be a loopback http URL without a path, e.g. http://127.0.0.1:2019 (Caddy's admin API must never be reached over a network).");
        }

        if (options.ServerName is null || !ServerName().IsMatch(options.ServerName))
        {
            failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.ServerName)} must be 1-64 ASCII letters, digits, '_' or '-'.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.RequestTimeout)} must be between 00:00:00.001 and 00:05:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ServerName();
}
