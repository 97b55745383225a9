using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Services;

/// <summary>
/// A service's container, volumes and route as the engine and the proxy see them: the spec it is created from
/// (labels, network, volumes, health check), the proxy route of a service served over HTTP, and their removal.
/// </summary>
public sealed class ServiceContainers(
    IServiceInstanceRepository instances,
    IEnvironmentRepository environments,
    IProjectRepository projects,
    IContainerRuntime containers,
    ServiceVolumes volumes,
    EnvironmentNetworks networks,
    IProxyRoutes proxy,
    ServiceStates states,
    InstallationIdentity installation,
    IOptions<ProxyNetworkOptions> proxyNetwork,
    IOptions<ProbeNetworkOptions> probeNetwork)
{
    /// <summary>The label filter that finds everything a service owns (containers, volumes).</summary>
    public static Dictionary<string, string> Owned(ServiceInstance instance) => new(StringComparer.Ordinal) { [ServiceLabels.Service] = instance.Id.ToString() };

    /// <summary>
    /// Where the panel probes the service's container: the probe network when one is configured (the container joined
    /// it, <see cref="ProbedFromPanel"/>), else the environment's network; null when the environment is gone.
    /// </summary>
    public async Task<string?> ProbeNetworkOfAsync(ServiceInstance instance)
    {
        var project = await projects.GetAsync(instance.ProjectId, CancellationToken.None);
        var environment = await environments.GetAsync(instance.EnvironmentId, CancellationToken.None);
        return project is null || environment is null ? null : probeNetwork.Value.ProbeNetwork ?? RoutingService.NetworkOf(environment);
    }

    /// <summary>True when the panel itself dials the container to check it (TCP or HTTP); an exec check runs inside it.</summary>
    public static bool ProbedFromPanel(TemplateHealthCheck? check) => check is { Kind: HealthCheckKind.Tcp or HealthCheckKind.Http };

    /// <summary>Creates the volumes and creates and starts the container; its id, or the engine's refusal.</summary>
    public async Task<Result<string>> CreateContainerAsync(ServiceInstance instance, ServiceTemplate template, RenderedService rendered)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(rendered);
        var project = await projects.GetAsync(instance.ProjectId, CancellationToken.None);
        var environment = await environments.GetAsync(instance.EnvironmentId, CancellationToken.None);
        if (project is null || environment is null)
        {
            return Error.Conflict("the environment no longer exists");
        }

        var route = await RouteOfAsync(instance, template);
        if (!route.IsSuccess)
        {
            return Error.Conflict("routing: " + route.Error.Message);
        }

        // GoForge's own labels only: the proxy is told by PublishAsync, once the container is healthy.
        var containerLabels = new Dictionary<string, string>(await installation.StampAsync(Labels(instance), CancellationToken.None), StringComparer.Ordinal);

        try
        {
            var mounts = await volumes.EnsureAsync(instance, project, environment, template.Volumes, CancellationToken.None);
            var network = await networks.EnsureAsync(project.Id, environment.Id, CancellationToken.None);
            var shared = await networks.EnsureSharedOrNoneAsync(route.Value is not null ? proxyNetwork.Value.Network : null, CancellationToken.None);
            var check = template.HealthCheck;
            // An un-routed service the panel probes joins the probe network too: a panel in a container reaches no environment's network.
            var probed = await networks.EnsureSharedOrNoneAsync(ProbedFromPanel(check) ? probeNetwork.Value.ProbeNetwork : null, CancellationToken.None);
            return await containers.CreateAndStartAsync(new ContainerSpec
            {
                Name = EngineNames.ServiceContainer(instance.Id, instance.Slug),
                Image = rendered.Image,
                Network = network.Id,
                NetworkAlias = instance.Host,
                ContainerPort = template.MainPort.Port,
                Env = rendered.Environment.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
                Labels = containerLabels,
                Command = rendered.Command,
                Volumes = mounts,
                RestartPolicy = RestartPolicy.UnlessStopped,
                Init = true,
                ProxyNetwork = shared?.Id,
                ProbeNetwork = probed?.Id,
                ExecHealthCheck = check is { Kind: HealthCheckKind.Exec }
                    ? new ContainerExecHealthCheck(rendered.HealthCheckExec, check.Interval, check.Timeout, check.Retries, check.StartPeriod)
                    : null,
            }, CancellationToken.None);
        }
        catch (EngineException e)
        {
            return Error.Conflict(e.Message);
        }
    }

    /// <summary>Points the proxy at a healthy service's container; a refusal leaves it running, unrouted, and says so.</summary>
    public async Task<ServiceInstance> PublishAsync(ServiceInstance instance, ServiceTemplate template)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance is not { State: ServiceState.Running, ContainerId: { } containerId })
        {
            return instance;
        }

        var routed = await RouteOfAsync(instance, template);
        if (!routed.IsSuccess || routed.Value is not { } route)
        {
            return instance;
        }

        try
        {
            await ApplyRouteAsync(instance, route, containerId, CancellationToken.None);
            return await states.MoveAsync(instance, ServiceTrigger.Note, $"{instance.Reason}; served on https://{route.Domains[0].Host}", containerId, instance.Version);
        }
        catch (Exception e) when (e is ProxyException or EngineException)
        {
            return await states.MoveAsync(instance, ServiceTrigger.Note, $"{instance.Reason}; not served on its domain: the proxy refused the route: {e.Message}", containerId, instance.Version);
        }
    }

    /// <summary>
    /// Points the proxy at the service's container again, as <see cref="PublishAsync"/> did, without a new note: for the
    /// reconciler, after the proxy lost the route. False when the service has no route (no domain, or refused settings).
    /// Throws <see cref="ProxyException"/>, or <see cref="EngineException"/> when the engine cannot be asked.
    /// </summary>
    public async Task<bool> RouteAgainAsync(ServiceInstance instance, ServiceTemplate template, string containerId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var routed = await RouteOfAsync(instance, template);
        if (!routed.IsSuccess || routed.Value is not { } route)
        {
            return false;
        }

        await ApplyRouteAsync(instance, route, containerId, ct);
        return true;
    }

    private async Task ApplyRouteAsync(ServiceInstance instance, RouteTarget route, string containerId, CancellationToken ct)
    {
        var name = EngineNames.ServiceContainer(instance.Id, instance.Slug);
        var address = await containers.AddressAsync(containerId, route.Network, ct);
        await proxy.ApplyAsync(route, new RouteUpstream(name, address, route.ContainerPort), ct);
    }

    public Task RemoveRouteAsync(ServiceInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return proxy.RemoveAsync(instance.Id, CancellationToken.None);
    }

    /// <summary>
    /// The proxy's view of a service served over HTTP (a template with <c>http</c> and a domain chosen); null for the
    /// rest. Its upstream is the service's container by name on the proxy's network, like an application's.
    /// </summary>
    private async Task<Result<RouteTarget?>> RouteOfAsync(ServiceInstance instance, ServiceTemplate template)
    {
        var (_, domain) = await instances.GetInputsAsync(instance.Id, CancellationToken.None);
        if (template.Http is not { } http || domain is null)
        {
            return Result<RouteTarget?>.Ok(null);
        }

        var project = await projects.GetAsync(instance.ProjectId, CancellationToken.None);
        var environment = await environments.GetAsync(instance.EnvironmentId, CancellationToken.None);
        if (project is null || environment is null)
        {
            return Error.Conflict("The environment no longer exists.");
        }

        var network = proxyNetwork.Value.Network ?? RoutingService.NetworkOf(environment);
        var target = RouteTarget.ForService(instance.Id, instance.Slug, domain, http.Port, network);
        return target.IsSuccess ? Result<RouteTarget?>.Ok(target.Value) : target.Error;
    }

    private static Dictionary<string, string> Labels(ServiceInstance instance) => new(StringComparer.Ordinal)
    {
        [GoForgeLabels.Managed] = "true",
        [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ServiceContainer,
        [ServiceLabels.Service] = instance.Id.ToString(),
        [ServiceLabels.Project] = instance.ProjectId.ToString(),
        [ServiceLabels.Environment] = instance.EnvironmentId.ToString(),
    };
}
