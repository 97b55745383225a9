using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Caddy;

/// <summary>How GoForge reaches and configures Caddy (section <c>GoForge:Proxy:Caddy</c>).</summary>
public sealed class CaddyOptions
{
    public const string SectionName = "GoForge:Proxy:Caddy";

    /// <summary>Where GoForge finds Caddy's admin API when neither <see cref="AdminUrl"/> nor <see cref="AdminSocket"/> is set.</summary>
    public static readonly Uri DefaultAdminUrl = new("http://127.0.0.1:2019/");

    /// <summary>
    /// Caddy's admin API over TCP, for Caddy on the panel's host: loopback <c>http</c> only, because the admin API can
    /// rewrite every route and has no authentication of its own, so GoForge refuses to send it anything over a network.
    /// Unset: <see cref="DefaultAdminUrl"/>, unless <see cref="AdminSocket"/> is set (both is an error).
    /// </summary>
    public Uri? AdminUrl { get; set; }

    /// <summary>
    /// Caddy's admin API on a unix socket (absolute path), for Caddy in its own container: the socket sits in a volume
    /// only Caddy's and the panel's containers mount, and its file mode lets only their shared uid connect. No admin
    /// API is then on any network (docs/decisions/routing.md).
    /// </summary>
    public string? AdminSocket { get; set; }

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

    /// <summary>
    /// Where Caddy reaches the panel itself, <c>host:port</c> as Caddy dials it (e.g. <c>goforge:8080</c> on the
    /// network only Caddy and the panel share). Set: the panel keeps a route <c>goforge-panel</c> for the host of
    /// <c>GoForge:PublicUrl</c> in Caddy (<see cref="CaddyPanelRoute"/>). Unset: the operator routes the panel.
    /// </summary>
    public string? PanelUpstream { get; set; }

    /// <summary>How often the panel checks that its own route is still in Caddy (it is put back, and the reconciler woken, when Caddy lost it).</summary>
    public TimeSpan PanelRouteCheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The admin API's address for messages: the socket (<c>unix:/path</c>) or the URL.</summary>
    internal string AdminEndpoint => AdminSocket is { } socket ? "unix:" + socket : (AdminUrl ?? DefaultAdminUrl).ToString();
}

internal sealed partial class CaddyOptionsValidator : IValidateOptions<CaddyOptions>
{
    /// <summary><c>sun_path</c> holds 108 bytes with the closing NUL.</summary>
    internal const int MaxSocketPathBytes = 107;

    public ValidateOptionsResult Validate(string? name, CaddyOptions options)
    {
        var failures = new List<string>();
        if (options.AdminUrl is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttp || !IsLoopback(url.Host)
            || !string.IsNullOrEmpty(url.UserInfo) || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)))
        {
            failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.AdminUrl)} must be a loopback http URL without a path, e.g. http://127.0.0.1:2019 (Caddy's admin API must never be reached over a network).");
        }

        if (options.AdminSocket is { } socket)
        {
            if (SocketProblem(socket) is { } problem)
            {
                failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.AdminSocket)} {problem}");
            }

            if (options.AdminUrl is not null)
            {
                failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.AdminSocket)} and {CaddyOptions.SectionName}:{nameof(CaddyOptions.AdminUrl)} are both set: set one (the socket for Caddy in a container, the loopback URL for Caddy on the host).");
            }
        }

        if (options.ServerName is null || !ServerName().IsMatch(options.ServerName))
        {
            failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.ServerName)} must be 1-64 ASCII letters, digits, '_' or '-'.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.RequestTimeout)} must be between 00:00:00.001 and 00:05:00.");
        }

        if (options.PanelUpstream is { } upstream && !IsDial(upstream))
        {
            failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.PanelUpstream)} must be host:port as Caddy dials it, e.g. goforge:8080 (a host name or IP address, no scheme, no path).");
        }

        if (options.PanelRouteCheckInterval < TimeSpan.FromSeconds(1) || options.PanelRouteCheckInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{CaddyOptions.SectionName}:{nameof(CaddyOptions.PanelRouteCheckInterval)} must be between 00:00:01 and 01:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? SocketProblem(string path)
    {
        if (!path.StartsWith('/') || !Path.IsPathFullyQualified(path))
        {
            return $"must be an absolute path, e.g. /run/goforge-caddy/admin.sock (it is '{path}').";
        }

        if (path.Split('/').Any(segment => segment == ".."))
        {
            return "must not contain '..'.";
        }

        if (path.Contains('\0', StringComparison.Ordinal) || path.EndsWith('/'))
        {
            return "must name a file.";
        }

        var bytes = Encoding.UTF8.GetByteCount(path);
        return bytes > MaxSocketPathBytes
            ? string.Create(CultureInfo.InvariantCulture, $"is {bytes} bytes long; a unix socket's path must be under 108 bytes.")
            : null;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary><c>name:port</c>, <c>1.2.3.4:port</c> or <c>[::1]:port</c>; nothing Caddy would read as a placeholder or a network type.</summary>
    internal static bool IsDial(string dial)
    {
        var colon = dial.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(dial.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = dial[..colon];
        return host.StartsWith('[') && host.EndsWith(']')
            ? IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            : HostName().IsMatch(host);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ServerName();

    [GeneratedRegex("^(?=.{1,253}\\z)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}
