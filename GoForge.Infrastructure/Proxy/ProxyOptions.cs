using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy;

/// <summary>Which reverse proxy GoForge drives.</summary>
public enum ProxyKind
{
    /// <summary>Traefik's file provider, through files GoForge writes into the folder it watches (the production compose file).</summary>
    Traefik,

    /// <summary>Caddy, through its JSON admin API.</summary>
    Caddy,
}

/// <summary>Section <c>GoForge:Proxy</c>: the proxy kind and the ACME account; each kind has its own sub-section.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "GoForge:Proxy";

    public ProxyKind Kind { get; set; } = ProxyKind.Traefik;

    /// <summary>The address Let's Encrypt writes to about expiring certificates; optional, shown to administrators.</summary>
    public string? AcmeEmail { get; set; }
}

internal sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Kind))
        {
            failures.Add($"{ProxyOptions.SectionName}:{nameof(ProxyOptions.Kind)} must be Traefik or Caddy.");
        }

        // MailAddress also takes "Name <a@b>"; the ACME account needs the bare address.
        if (!string.IsNullOrEmpty(options.AcmeEmail)
            && (!MailAddress.TryCreate(options.AcmeEmail, out var address) || address.Address != options.AcmeEmail || options.AcmeEmail.Length > 254))
        {
            failures.Add($"{ProxyOptions.SectionName}:{nameof(ProxyOptions.AcmeEmail)} must be a plain e-mail address (name@example.com).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
