using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Proxy;

/// <summary>What the panel shows about the reverse proxy in front of the applications (section <c>GoForge:Proxy</c>).</summary>
public sealed class ProxyPanelOptions
{
    public const string SectionName = "GoForge:Proxy";

    /// <summary>Which proxy routes the applications: <c>Traefik</c> (default) or <c>Caddy</c>.</summary>
    public string Kind { get; set; } = "Traefik";

    /// <summary>The address Let's Encrypt writes to about expiring certificates; optional, shown to administrators.</summary>
    public string? AcmeEmail { get; set; }
}

internal sealed class ProxyPanelOptionsValidator : IValidateOptions<ProxyPanelOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyPanelOptions options)
    {
        var failures = new List<string>();
        if (options.Kind is null || !(options.Kind.Equals("Traefik", StringComparison.OrdinalIgnoreCase) || options.Kind.Equals("Caddy", StringComparison.OrdinalIgnoreCase)))
        {
            failures.Add($"{ProxyPanelOptions.SectionName}:{nameof(ProxyPanelOptions.Kind)} must be Traefik or Caddy.");
        }

        // MailAddress also takes "Name <a@b>"; the ACME account needs the bare address.
        if (!string.IsNullOrEmpty(options.AcmeEmail)
            && (!MailAddress.TryCreate(options.AcmeEmail, out var address) || address.Address != options.AcmeEmail || options.AcmeEmail.Length > 254))
        {
            failures.Add($"{ProxyPanelOptions.SectionName}:{nameof(ProxyPanelOptions.AcmeEmail)} must be a plain e-mail address (name@example.com).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
