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

    /// <summary>
    /// A preview's route target: its one host, keyed by the preview's id (so the application's own route is never
    /// touched), on the same network as the application's, with the default routing settings.
    /// </summary>
    public Result<RouteTarget> PreviewTarget(Application app, ProjectEnvironment environment, PreviewPlan preview)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(preview);
        return RouteTarget.ForService(preview.PreviewId, $"pr-{preview.Number}", preview.Host, app.ContainerPort,
            proxyNetwork.Value.Network ?? RoutingService.NetworkOf(environment));
    }

    /// <summary>Points the application's route at <paramref name="containerId"/> (named <paramref name="containerName"/>). Throws <see cref="ProxyException"/>, or <see cref="EngineException"/> when the engine cannot be asked.</summary>
    public async Task ApplyAsync(RouteTarget target, Application app, string containerId, string containerName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(app);
        var address = await containers.AddressAsync(containerId, target.Network, ct);
        await proxy.ApplyAsync(target, new RouteUpstream(containerName, address, app.ContainerPort), ct);
    }
}
