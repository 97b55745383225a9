using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy;
using GoForge.Infrastructure.Proxy.Traefik;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Proxy;

/// <summary>How the reverse proxy is set up, as configured: what the admin settings page shows.</summary>
/// <param name="Kind">The active proxy, <c>Traefik</c> or <c>Caddy</c>.</param>
/// <param name="WebEntryPoint">Traefik's plain-HTTP entrypoint; null for Caddy.</param>
/// <param name="WebSecureEntryPoint">Traefik's HTTPS entrypoint; null for Caddy.</param>
/// <param name="DefaultCertResolver">Traefik's resolver for applications that name none; null for Caddy.</param>
/// <param name="ProxyNetwork">The Docker network shared with the proxy; null when each environment's network is used.</param>
/// <param name="AcmeEmail">The ACME account's e-mail address; null when not configured.</param>
public sealed record ProxyStatusReport(
    string Kind,
    string? WebEntryPoint,
    string? WebSecureEntryPoint,
    string? DefaultCertResolver,
    string? ProxyNetwork,
    string? AcmeEmail)
{
    public bool IsTraefik => Kind == ProxyStatus.Traefik;
}

/// <summary>Gathers the proxy settings from their options (<see cref="Read"/>) and asks the proxy whether it answers (<see cref="ProbeAsync"/>).</summary>
public sealed class ProxyStatus(IOptions<ProxyOptions> proxy, IOptions<TraefikOptions> traefik, IOptions<ProxyNetworkOptions> proxyNetwork, IProxyProbe probe)
{
    public const string Traefik = "Traefik";
    public const string Caddy = "Caddy";

    public ProxyStatusReport Read()
    {
        var kind = proxy.Value.Kind == ProxyKind.Caddy ? Caddy : Traefik;
        var network = string.IsNullOrEmpty(proxyNetwork.Value.Network) ? null : proxyNetwork.Value.Network;
        var email = string.IsNullOrEmpty(proxy.Value.AcmeEmail) ? null : proxy.Value.AcmeEmail;
        return kind == Traefik
            ? new ProxyStatusReport(kind, traefik.Value.WebEntryPoint, traefik.Value.WebSecureEntryPoint, traefik.Value.DefaultCertResolver, network, email)
            : new ProxyStatusReport(kind, null, null, null, network, email);
    }

    /// <summary>Whether the active proxy answers now; bounded by the adapter's time-out.</summary>
    public Task<ProxyReachability> ProbeAsync(CancellationToken ct = default) => probe.ProbeAsync(ct);
}
