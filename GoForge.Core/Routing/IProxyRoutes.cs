namespace GoForge.Core.Routing;

/// <summary>
/// What a deployment needs from the reverse proxy. GoForge decides when a container enters and leaves a route, for
/// every proxy alike: <see cref="ApplyAsync"/> points the routes at the new container once it is healthy (Traefik: a
/// file its file provider reads; Caddy: its admin API), and <see cref="RemoveAsync"/> takes them away. No container
/// carries proxy labels: a label cannot route anything. Failures to reach the proxy are <see cref="ProxyException"/>s.
/// </summary>
public interface IProxyRoutes
{
    /// <summary>
    /// The configuration this proxy would hold for <paramref name="target"/> routed to <paramref name="upstream"/>, as
    /// indented JSON for people to read (the same document <see cref="ApplyAsync"/> would write); empty when the target
    /// has no domain. Pure: no I/O.
    /// </summary>
    string Preview(RouteTarget target, RouteUpstream upstream);

    /// <summary>Routes the application's domains to <paramref name="upstream"/>, the new container, replacing any earlier upstream.</summary>
    Task ApplyAsync(RouteTarget target, RouteUpstream upstream, CancellationToken ct = default);

    /// <summary>Removes every route of the application; nothing to remove is not an error.</summary>
    Task RemoveAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>
    /// The routes the proxy holds now, in one request: the upstreams (<c>host:port</c>) of each application's or service's
    /// route, by its id; null only for a proxy that cannot be read.
    /// </summary>
    Task<ProxyRouteTable?> ReadRoutesAsync(CancellationToken ct = default);
}

/// <summary>The upstreams of every GoForge route a proxy holds, by application (or service) id.</summary>
public sealed record ProxyRouteTable(IReadOnlyDictionary<Guid, IReadOnlyList<string>> Upstreams)
{
    /// <summary>True when the route of <paramref name="id"/> dials the container by <paramref name="containerName"/> or one of its <paramref name="addresses"/>.</summary>
    public bool RoutesTo(Guid id, string containerName, IReadOnlyList<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (!Upstreams.TryGetValue(id, out var dials) || dials.Count == 0)
        {
            return false;
        }

        // One upstream per route: any other is a leftover of a switch that did not finish.
        return dials.All(dial => Host(dial) is var host && (host == containerName || addresses.Contains(host, StringComparer.Ordinal)));
    }

    public bool Has(Guid id) => Upstreams.ContainsKey(id);

    private static string Host(string dial)
    {
        var colon = dial.LastIndexOf(':');
        var host = colon > 0 ? dial[..colon] : dial;
        return host.TrimStart('[').TrimEnd(']');
    }
}

/// <summary>
/// Where the proxy finds a container: its name (resolvable by a proxy that shares the target's Docker network) and
/// its address on that network (for a proxy on the host). The adapter picks what its deployment can reach.
/// </summary>
public sealed record RouteUpstream(string ContainerName, string? Address, int Port)
{
    /// <summary>
    /// Set for a stopped application (docs/deployments/apply-and-stop.md): the route answers every request with a 503
    /// page naming it as stopped instead of dialling a container. Caddy: a <c>static_response</c>; Traefik: a service
    /// with no server.
    /// </summary>
    public string? StoppedApplication { get; init; }

    /// <summary>The upstream of a stopped application named <paramref name="applicationName"/>.</summary>
    public static RouteUpstream Stopped(string applicationName) => new(string.Empty, null, 0) { StoppedApplication = applicationName };
}

/// <summary>The proxy could not be reached or refused a change; the message is the proxy's own.</summary>
public sealed class ProxyException : Exception
{
    public ProxyException()
        : this("The proxy could not be reached.")
    {
    }

    public ProxyException(string message)
        : base(message)
    {
    }

    public ProxyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
