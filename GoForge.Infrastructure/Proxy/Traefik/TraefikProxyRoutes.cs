using GoForge.Core.Routing;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Traefik;

/// <summary>Traefik follows containers through their labels: routing is all in <see cref="Labels"/>, nothing to push.</summary>
internal sealed class TraefikProxyRoutes(IOptions<TraefikOptions> options) : IProxyRoutes
{
    public IReadOnlyDictionary<string, string> Labels(RouteTarget target) => TraefikLabels.For(target, options.Value);

    // Traefik routes to a container as soon as it is healthy (the Docker provider skips unhealthy ones), and both
    // containers of a start-first deploy carry the same router and service during the overlap.
    public Task ApplyAsync(RouteTarget target, RouteUpstream upstream, CancellationToken ct = default) => Task.CompletedTask;

    public Task RemoveAsync(Guid applicationId, CancellationToken ct = default) => Task.CompletedTask;

    /// <summary>Traefik follows the containers' labels: there is no route to put back.</summary>
    public Task<ProxyRouteTable?> ReadRoutesAsync(CancellationToken ct = default) => Task.FromResult<ProxyRouteTable?>(null);
}
