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
    /// Networks (CIDR) of reverse proxies whose X-Forwarded-For/-Proto headers are believed, e.g. the Docker network
    /// Traefik shares with the panel. Loopback is always trusted; nothing else unless listed.
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
            if (!System.Net.IPNetwork.TryParse(proxy, out _))
            {
                failures.Add($"{GoForgeWebOptions.SectionName}:{nameof(GoForgeWebOptions.TrustedProxies)} holds '{proxy}', which is not a network in CIDR form (e.g. 172.31.250.0/24).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
