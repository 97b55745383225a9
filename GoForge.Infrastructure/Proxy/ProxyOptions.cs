namespace GoForge.Infrastructure.Proxy;

/// <summary>Which reverse proxy GoForge drives.</summary>
public enum ProxyKind
{
    /// <summary>Traefik's Docker provider, through container labels (the production compose file).</summary>
    Traefik,

    /// <summary>Caddy, through its JSON admin API.</summary>
    Caddy,
}

/// <summary>Section <c>GoForge:Proxy</c>: the proxy kind; each kind has its own sub-section.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "GoForge:Proxy";

    public ProxyKind Kind { get; set; } = ProxyKind.Traefik;
}
