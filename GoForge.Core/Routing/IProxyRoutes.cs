namespace GoForge.Core.Routing;

/// <summary>
/// What a deployment needs from the reverse proxy. One port for two kinds of proxy:
/// <list type="bullet">
/// <item>label-driven (Traefik's Docker provider): <see cref="Labels"/> returns the labels the container is created
/// with, and the proxy follows containers by itself; <see cref="ApplyAsync"/> and <see cref="RemoveAsync"/> do nothing;</item>
/// <item>API-driven (Caddy's admin API): <see cref="Labels"/> returns none; <see cref="ApplyAsync"/> points the routes
/// at the new container once it is healthy, and <see cref="RemoveAsync"/> takes them away.</item>
/// </list>
/// The deployment runner calls all three, in that order of a container's life, and so works with either.
/// Failures to reach the proxy are <see cref="ProxyException"/>s.
/// </summary>
public interface IProxyRoutes
{
    /// <summary>Labels for every container of the application; sorted, the same for the same target. Pure: no I/O.</summary>
    IReadOnlyDictionary<string, string> Labels(RouteTarget target);

    /// <summary>Routes the application's domains to <paramref name="upstream"/>, the new container, replacing any earlier upstream.</summary>
    Task ApplyAsync(RouteTarget target, RouteUpstream upstream, CancellationToken ct = default);

    /// <summary>Removes every route of the application; nothing to remove is not an error.</summary>
    Task RemoveAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>
    /// The routes the proxy holds now, in one request: the upstreams (<c>host:port</c>) of each application's or service's
    /// route, by its id. Null for a label-driven proxy, which follows the containers by itself (nothing to put back).
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
public sealed record RouteUpstream(string ContainerName, string? Address, int Port);

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
