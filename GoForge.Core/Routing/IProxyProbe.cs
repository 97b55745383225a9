namespace GoForge.Core.Routing;

/// <summary>Asks the active reverse proxy whether it answers, for the administrators' settings page.</summary>
public interface IProxyProbe
{
    /// <summary>Never throws for an unreachable proxy: that is a result. Bounded by the adapter's own time-out.</summary>
    Task<ProxyReachability> ProbeAsync(CancellationToken ct = default);
}

/// <summary>What a probe found.</summary>
public enum ProxyReachabilityState
{
    /// <summary>The proxy answered as expected.</summary>
    Reachable,

    /// <summary>The proxy did not answer, or answered with an error.</summary>
    Unreachable,

    /// <summary>No address to probe is configured (Traefik without a ping URL).</summary>
    NotConfigured,
}

/// <param name="State">What the probe found.</param>
/// <param name="Detail">One line for the administrator: what answered, or why nothing did.</param>
public sealed record ProxyReachability(ProxyReachabilityState State, string Detail);
