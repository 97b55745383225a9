using GoForge.Core.Auditing;
using GoForge.Core.Catalog;
using GoForge.Core.Containers;
using GoForge.Core.Routing;
using GoForge.Core.Services;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Reconciliation;

/// <summary>
/// One service's containers against its record (docs/deployments/after-a-crash.md#services): a Running service's
/// container is started if stopped and every other container of it that is ours goes; a gone one fails the service
/// with the reason (Start creates it again on the same volumes). Any other state keeps at most its recorded container.
/// Volumes are never removed here.
/// </summary>
public sealed class ServiceReconciler(
    IServiceInstanceRepository instances,
    ServiceStates states,
    CatalogService catalog,
    ServiceContainers serviceContainers,
    IContainerRuntime containers,
    IServiceRuntime runtime,
    IProxyRoutes proxy,
    ReconcilerActions actions,
    ILogger<ServiceReconciler> logger)
{
    public const string ContainerGoneReason = "its container is gone (removed outside GoForge); start the service to create it again on the same volumes";

    internal async Task ReconcileAsync(ReconcilePass pass, Guid serviceId, IReadOnlyList<EngineContainer> ours, CancellationToken ct)
    {
        var target = $"service:{serviceId}";
        if (!pass.State.Services.TryGetValue(serviceId, out var record))
        {
            foreach (var container in ours)
            {
                pass.Remove(target, container, "of a service that no longer exists (its volumes are kept)");
            }

            return;
        }

        if (record.InFlight)
        {
            pass.Skip();
            logger.LeftAlone(target, "an operation is in flight");
            return;
        }

        if (record is not { State: ServiceState.Running, ContainerId: { } containerId })
        {
            // Stopped, Failed, or half-created and failed by the recovery: at most the recorded container stays (Start uses it).
            foreach (var container in ours.Where(c => c.Id != record.ContainerId))
            {
                pass.Remove(target, container, $"left by an interrupted operation (the service is {record.State.ToString().ToLowerInvariant()}; its volumes are kept)");
            }

            return;
        }

        var serving = ours.FirstOrDefault(c => c.Id == containerId);
        if (serving is null)
        {
            await FailGoneAsync(pass, target, serviceId, containerId, ct);
            return;
        }

        var started = !serving.IsRunning;
        if (started && !await StartAsync(pass, target, serviceId, serving, ct))
        {
            return;
        }

        if (record.HasDomain && !await EnsureRoutedAsync(pass, target, serviceId, serving, started, ct))
        {
            return;
        }

        foreach (var container in ours.Where(c => c.Id != serving.Id))
        {
            pass.Remove(target, container, "left by an interrupted operation (its volumes are kept)");
        }
    }

    /// <summary>True when the service is routed to <paramref name="serving"/> (or has no route, or the proxy cannot be read).</summary>
    private async Task<bool> EnsureRoutedAsync(ReconcilePass pass, string target, Guid serviceId, EngineContainer serving, bool restarted, CancellationToken ct)
    {
        if (pass.Routes is not { } table || (!restarted && table.RoutesTo(serviceId, serving.Name, serving.Addresses)))
        {
            return true;
        }

        // Read before the database: an operation that routed it since has done the work (each change reloads the proxy).
        if (!restarted && await proxy.ReadRoutesAsync(ct) is { } fresh && fresh.RoutesTo(serviceId, serving.Name, serving.Addresses))
        {
            return true;
        }

        var instance = await instances.GetAsync(serviceId, ct);
        if (instance is not { State: ServiceState.Running } || instance.ContainerId != serving.Id)
        {
            return false;
        }

        var template = await catalog.GetAsync(instance.TemplateId, ct);
        if (!template.IsSuccess)
        {
            logger.LeftAlone(target, "its template is not in the catalog: " + template.Error.Message);
            return false;
        }

        try
        {
            if (!await serviceContainers.RouteAgainAsync(instance, template.Value, serving.Id, ct))
            {
                // Not served on a domain: nothing to route.
                return true;
            }
        }
        catch (Exception e) when (e is ProxyException or EngineException)
        {
            logger.ActionFailed(target, e.Message);
            return false;
        }

        await actions.RecordAsync(pass, AuditActions.ReconcilerRouteRestored, target,
            $"routed the service's domain to its container {serving.Name} again", ct);
        return true;
    }

    private async Task FailGoneAsync(ReconcilePass pass, string target, Guid serviceId, string containerId, CancellationToken ct)
    {
        // The listing came before the database read: check the one container before calling it gone.
        if ((await containers.ListContainersAsync(new Dictionary<string, string> { [GoForgeLabels.Service] = serviceId.ToString() }, ct)).Contains(containerId)
            || await instances.GetAsync(serviceId, ct) is not { State: ServiceState.Running } instance
            || instance.ContainerId != containerId)
        {
            return;
        }

        if ((await states.TryMoveAsync(instance, ServiceTrigger.Fail, ContainerGoneReason, ct)).IsSuccess)
        {
            await actions.RecordAsync(pass, AuditActions.ReconcilerServiceFailed, target, "marked failed: " + ContainerGoneReason, ct);
        }
    }

    private async Task<bool> StartAsync(ReconcilePass pass, string target, Guid serviceId, EngineContainer serving, CancellationToken ct)
    {
        var instance = await instances.GetAsync(serviceId, ct);
        if (instance is null || !await runtime.StartAsync(serving.Id, ct))
        {
            return false;
        }

        await actions.RecordAsync(pass, AuditActions.ReconcilerContainerStarted, target, $"started container {serving.Name} of the running service again (it was {serving.State})", ct);
        var template = await catalog.GetAsync(instance.TemplateId, ct);
        var network = await serviceContainers.ProbeNetworkOfAsync(instance) ?? string.Empty;
        var health = await runtime.WaitHealthyAsync(serving.Id, network, template.IsSuccess ? template.Value.HealthCheck : null,
            ServiceRunner.HealthTimeout + (template.IsSuccess ? template.Value.HealthCheck?.StartPeriod ?? TimeSpan.Zero : TimeSpan.Zero), ct);
        if (!health.IsHealthy)
        {
            logger.LeftAlone(target, "its started container is not healthy: " + health.Reason);
        }

        return health.IsHealthy;
    }
}
