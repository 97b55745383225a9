using Microsoft.Extensions.Options;

namespace GoForge.Web.Hosting;

/// <summary>Panel settings (section <c>GoForge</c>).</summary>
public sealed class GoForgeWebOptions
{
    public const string SectionName = "GoForge";

    /// <summary>Folder for GoForge's own files (the data-protection keys, and by default the secret key file). Default <c>~/.goforge</c>.</summary>
    public string DataPath { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".goforge");

    /// <summary>The address people reach the panel at, used in printed links. Default: the first address Kestrel listens on.</summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>
    /// Addresses of the reverse proxies whose X-Forwarded-For/-Proto headers are believed, e.g. Traefik's pinned address
    /// on the network it alone shares with the panel. One address each (a <c>/32</c> or <c>/128</c> CIDR is the same);
    /// a wider network or a host name stops start-up (<see cref="TrustedProxyAddress"/>). Loopback is always trusted;
    /// nothing else unless listed.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];
}

internal sealed class GoForgeWebOptionsValidator : IValidateOptions<GoForgeWebOptions>
{
    public ValidateOptionsResult Validate(string? name, GoForgeWebOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataPath) || !Path.IsPathFullyQualified(options.DataPath))
        {
            failures.Add($"{GoForgeWebOptions.SectionName}:{nameof(GoForgeWebOptions.DataPath)} must be an absolute folder path.");
        }

        if (options.PublicUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{GoForgeWebOptions.SectionName}:{nameof(GoForgeWebOptions.PublicUrl)} must be an absolute http(s) address.");
        }

        foreach (var proxy in options.TrustedProxies)
        {
            if (!TrustedProxyAddress.TryParse(proxy, out _, out var problem))
            {
                failures.Add($"{GoForgeWebOptions.SectionName}:{nameof(GoForgeWebOptions.TrustedProxies)} {problem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
