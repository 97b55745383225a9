using GoForge.Core.Auditing;
using GoForge.Core.Catalog;
using GoForge.Core.Containers;
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

        if (!serving.IsRunning && !await StartAsync(pass, target, serviceId, serving, ct))
        {
            return;
        }

        foreach (var container in ours.Where(c => c.Id != serving.Id))
        {
            pass.Remove(target, container, "left by an interrupted operation (its volumes are kept)");
        }
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
        var network = await serviceContainers.NetworkOfAsync(instance) ?? string.Empty;
        var health = await runtime.WaitHealthyAsync(serving.Id, network, template.IsSuccess ? template.Value.HealthCheck : null,
            ServiceRunner.HealthTimeout + (template.IsSuccess ? template.Value.HealthCheck?.StartPeriod ?? TimeSpan.Zero : TimeSpan.Zero), ct);
        if (!health.IsHealthy)
        {
            logger.LeftAlone(target, "its started container is not healthy: " + health.Reason);
        }

        return health.IsHealthy;
    }
}
