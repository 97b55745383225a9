using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Traefik;

/// <summary>How GoForge feeds the Traefik it runs behind through Traefik's file provider (section <c>GoForge:Proxy:Traefik</c>).</summary>
public sealed class TraefikOptions
{
    public const string SectionName = "GoForge:Proxy:Traefik";

    /// <summary>Traefik's plain-HTTP entrypoint. Default <c>web</c>.</summary>
    public string WebEntryPoint { get; set; } = "web";

    /// <summary>Traefik's HTTPS entrypoint. Default <c>websecure</c>.</summary>
    public string WebSecureEntryPoint { get; set; } = "websecure";

    /// <summary>Certificate resolver for applications that name none. Default <c>letsencrypt</c>.</summary>
    public string DefaultCertResolver { get; set; } = "letsencrypt";

    /// <summary>
    /// The folder Traefik's file provider watches (<c>--providers.file.directory</c>, shared with Traefik's container),
    /// where GoForge writes one <c>goforge-&lt;id&gt;.yml</c> per routed application or service. Absolute; created if
    /// missing. Default: <c>&lt;GoForge:DataPath&gt;/traefik</c>.
    /// </summary>
    public string? DynamicDirectory { get; set; }

    /// <summary>
    /// How long a route change waits, after the file is in place, before the deployment goes on to drain and remove the
    /// old container: Traefik reloads a changed file after its <c>providersThrottleDuration</c> (2 s by default).
    /// Only a switch from one upstream to another waits. 0 to 60 s; default 3 s.
    /// </summary>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Where Traefik reaches the panel itself (e.g. <c>http://goforge:8080</c>). Set: the panel writes
    /// <c>goforge-panel.yml</c> at start, routing <c>GoForge:PublicUrl</c>'s host there. Unset: no panel route is written.
    /// </summary>
    public Uri? PanelUpstream { get; set; }

    /// <summary>Traefik's ping endpoint (<c>--ping=true</c>), read by the settings page to show whether Traefik answers; unset: not checked.</summary>
    public Uri? PingUrl { get; set; }
}

internal sealed partial class TraefikOptionsValidator : IValidateOptions<TraefikOptions>
{
    public ValidateOptionsResult Validate(string? name, TraefikOptions options)
    {
        var failures = new List<string>();
        Check(options.WebEntryPoint, nameof(TraefikOptions.WebEntryPoint), EntryPoint(), "1-64 ASCII letters, digits, '_' or '-'", failures);
        Check(options.WebSecureEntryPoint, nameof(TraefikOptions.WebSecureEntryPoint), EntryPoint(), "1-64 ASCII letters, digits, '_' or '-'", failures);
        Check(options.DefaultCertResolver, nameof(TraefikOptions.DefaultCertResolver), Resolver(), "1-64 ASCII letters, digits, '_' or '-', starting with a letter", failures);
        if (string.IsNullOrWhiteSpace(options.DynamicDirectory) || !Path.IsPathFullyQualified(options.DynamicDirectory))
        {
            failures.Add($"{TraefikOptions.SectionName}:{nameof(TraefikOptions.DynamicDirectory)} must be an absolute folder path (the folder Traefik's file provider watches).");
        }

        if (options.ReloadDelay < TimeSpan.Zero || options.ReloadDelay > TimeSpan.FromSeconds(60))
        {
            failures.Add($"{TraefikOptions.SectionName}:{nameof(TraefikOptions.ReloadDelay)} must be between 00:00:00 and 00:01:00.");
        }

        if (options.PanelUpstream is { } panel
            && (!panel.IsAbsoluteUri || (panel.Scheme != Uri.UriSchemeHttp && panel.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(panel.UserInfo)
                || panel.AbsolutePath != "/" || !string.IsNullOrEmpty(panel.Query) || !string.IsNullOrEmpty(panel.Fragment)))
        {
            failures.Add($"{TraefikOptions.SectionName}:{nameof(TraefikOptions.PanelUpstream)} must be an http or https URL without credentials or path, e.g. http://goforge:8080.");
        }

        if (options.PingUrl is { } ping
            && (!ping.IsAbsoluteUri || (ping.Scheme != Uri.UriSchemeHttp && ping.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(ping.UserInfo)))
        {
            failures.Add($"{TraefikOptions.SectionName}:{nameof(TraefikOptions.PingUrl)} must be an http or https URL without credentials, e.g. http://traefik:8080/ping.");
        }

        if (string.Equals(options.WebEntryPoint, options.WebSecureEntryPoint, StringComparison.Ordinal))
        {
            failures.Add($"{TraefikOptions.SectionName}:{nameof(TraefikOptions.WebSecureEntryPoint)} must differ from {nameof(TraefikOptions.WebEntryPoint)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string? value, string key, Regex pattern, string what, List<string> failures)
    {
        if (value is null || !pattern.IsMatch(value))
        {
            failures.Add($"{TraefikOptions.SectionName}:{key} must be {what}.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex EntryPoint();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Resolver();
}
