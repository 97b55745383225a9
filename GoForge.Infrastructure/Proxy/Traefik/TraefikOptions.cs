using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Traefik;

/// <summary>How GoForge's labels fit the Traefik it runs behind (section <c>GoForge:Proxy:Traefik</c>).</summary>
public sealed class TraefikOptions
{
    public const string SectionName = "GoForge:Proxy:Traefik";

    /// <summary>Traefik's plain-HTTP entrypoint. Default <c>web</c>.</summary>
    public string WebEntryPoint { get; set; } = "web";

    /// <summary>Traefik's HTTPS entrypoint. Default <c>websecure</c>.</summary>
    public string WebSecureEntryPoint { get; set; } = "websecure";

    /// <summary>Certificate resolver for applications that name none. Default <c>letsencrypt</c>.</summary>
    public string DefaultCertResolver { get; set; } = "letsencrypt";

    /// <summary>The Docker network Traefik reaches containers on; empty to use each application's own network.</summary>
    public string? Network { get; set; }

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
        if (!string.IsNullOrEmpty(options.Network))
        {
            Check(options.Network, nameof(TraefikOptions.Network), Network(), "a Docker network name (letters, digits, _ . -)", failures);
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

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Network();
}
