using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Deployments;

/// <summary>
/// An application's route as the deployment runner builds it, in one place for the runner (switching to a new container)
/// and the reconciler (putting a lost route back): the target on the proxy's network (or the environment's), and the
/// upstream, the container by name and by its address on that network.
/// </summary>
public sealed class ApplicationRoutes(RoutingService routing, IContainerRuntime containers, IProxyRoutes proxy, IOptions<ProxyNetworkOptions> proxyNetwork)
{
    /// <summary>The application's route target; refused with field errors when anything stored is not routable.</summary>
    public Task<Result<RouteTarget>> TargetAsync(Application app, ProjectEnvironment environment, CancellationToken ct = default) =>
        routing.TargetAsync(app, proxyNetwork.Value.Network ?? RoutingService.NetworkOf(environment), ct);

    /// <summary>Points the application's route at <paramref name="containerId"/> (named <paramref name="containerName"/>). Throws <see cref="ProxyException"/>, or <see cref="EngineException"/> when the engine cannot be asked.</summary>
    public async Task ApplyAsync(RouteTarget target, Application app, string containerId, string containerName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(app);
        var address = await containers.AddressAsync(containerId, target.Network, ct);
        await proxy.ApplyAsync(target, new RouteUpstream(containerName, address, app.ContainerPort), ct);
    }
}
