using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Routing;

namespace GoForge.Core.Compose;

/// <summary>
/// A compose application's routes: one per routed service, keyed <see cref="ComposeRouteKeys.Of"/>, with that service's
/// domains, the application's routing settings, and the service's port. Built from the application's own target, so
/// every stored value is checked by the same rules as a single container's.
/// </summary>
public sealed class ComposeRoutes(ApplicationRoutes routes, Containers.IContainerRuntime containers, IProxyRoutes proxy)
{
    /// <summary>The route target of <paramref name="service"/>, reached on <paramref name="port"/>.</summary>
    public async Task<Result<RouteTarget>> TargetAsync(Application app, ProjectEnvironment environment, string service, int port, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var whole = await routes.TargetAsync(app, environment, ct);
        if (!whole.IsSuccess)
        {
            return whole.Error!;
        }

        var key = ComposeRouteKeys.Of(app.Id, service);
        var domains = app.Domains.Where(d => string.Equals(d.Service, service, StringComparison.Ordinal)).ToList();
        return RouteTarget.Create(app with { Id = key, Domains = domains, ContainerPort = port }, whole.Value.Settings with { ApplicationId = key }, whole.Value.Network);
    }

    /// <summary>Points the service's route at <paramref name="containerId"/>. Throws <see cref="ProxyException"/> or <see cref="Containers.EngineException"/>.</summary>
    public async Task ApplyAsync(RouteTarget target, string containerId, string containerName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var address = await containers.AddressAsync(containerId, target.Network, ct);
        await proxy.ApplyAsync(target, new RouteUpstream(containerName, address, target.ContainerPort), ct);
    }

    /// <summary>Takes the route of a service that is no longer routed off the proxy.</summary>
    public Task RemoveAsync(Guid applicationId, string service, CancellationToken ct = default) =>
        proxy.RemoveAsync(ComposeRouteKeys.Of(applicationId, service), ct);
}
