using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Core.Common.Live;
using GoForge.Core.Containers;
using GoForge.Core.Routing;

namespace GoForge.Core.Services;

/// <summary>How an operation's work ended: the service as it was left (null once deleted), and the operation's outcome.</summary>
public sealed record ServiceRunResult(ServiceInstance? Instance, ServiceOperationState State, string Outcome)
{
    public static ServiceRunResult Of(ServiceInstance instance, ServiceState success) => instance.State == success
        ? new(instance, ServiceOperationState.Succeeded, instance.State.ToString().ToLowerInvariant())
        : new(instance, ServiceOperationState.Failed, $"failed: {instance.Reason}");
}

/// <summary>
/// The engine work behind each <see cref="ServiceOperationKind"/>: pull, volumes, container, health, route, stop and
/// removal. The <see cref="ServiceWorker"/> calls it for a claimed operation; every step is a transition through
/// <see cref="ServiceStates"/>, recorded before the next starts. Only the pull heeds <c>cancel</c>: past it, the
/// container is being created and checked, and stopping halfway would leave less than either end.
/// </summary>
public sealed class ServiceRunner(
    IServiceInstanceRepository instances,
    CatalogService catalog,
    IContainerRuntime containers,
    IServiceRuntime runtime,
    IImagePuller images,
    IVolumeStore volumes,
    ServiceStates states,
    ServiceContainers routes,
    ChangeFeed<ServiceChange> feed,
    TimeProvider time)
{
    /// <summary>How long a started container has to pass its health check.</summary>
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromMinutes(2);

    /// <summary>How long an image pull may take before the service is Failed with the reason (a stalled registry).</summary>
    public static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(30);

    /// <param name="cancel">A user's cancel, or the panel stopping: only the pull heeds it.</param>
    /// <param name="stopping">The panel stopping: the pull's cancel then propagates and leaves the operation in flight for the next start's recovery.</param>
    public async Task<ServiceRunResult> RunAsync(ServiceOperation operation, ServiceInstance instance, IProgress<ImagePullProgress>? progress,
        CancellationToken cancel, CancellationToken stopping = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(instance);
        if (operation.Kind == ServiceOperationKind.Delete)
        {
            return await DeleteAsync(instance, operation.KeepVolumes);
        }

        var template = await catalog.GetAsync(instance.TemplateId, CancellationToken.None);
        if (!template.IsSuccess)
        {
            var failed = await states.MoveAsync(instance, ServiceTrigger.Fail, $"the template '{instance.TemplateId}' is no longer in the catalog", instance.ContainerId, instance.Version);
            return ServiceRunResult.Of(failed, ServiceState.Running);
        }

        switch (operation.Kind)
        {
            case ServiceOperationKind.Create:
                return await ProvisionAsync(instance, template.Value, instance.Version, progress, cancel, stopping);
            case ServiceOperationKind.Start:
                return await StartContainerAsync(instance, template.Value, progress, cancel, stopping);
            case ServiceOperationKind.Stop:
                return ServiceRunResult.Of(await StopContainerAsync(instance), ServiceState.Stopped);
            case ServiceOperationKind.Restart:
                var stopped = await StopContainerAsync(instance);
                return stopped.State == ServiceState.Failed
                    ? ServiceRunResult.Of(stopped, ServiceState.Running)
                    : await StartContainerAsync(stopped, template.Value, progress, cancel, stopping);
            case ServiceOperationKind.Version:
                return await RecreateAsync(instance, template.Value, operation.Version ?? instance.Version, progress, cancel, stopping);
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, null);
        }
    }

    private async Task<ServiceRunResult> StartContainerAsync(ServiceInstance instance, ServiceTemplate template, IProgress<ImagePullProgress>? progress,
        CancellationToken cancel, CancellationToken stopping)
    {
        if (instance.ContainerId is not { } containerId || !await StartQuietlyAsync(containerId))
        {
            // Never created, removed after a failure, or removed outside GoForge: create it again on the same volumes.
            return await RecreateAsync(instance, template, instance.Version, progress, cancel, stopping);
        }

        var starting = await states.MoveAsync(instance, ServiceTrigger.Start, "starting", containerId, instance.Version);
        var started = await WaitHealthyAsync(starting, template, containerId, removeWhenUnhealthy: false);
        return ServiceRunResult.Of(await routes.PublishAsync(started, template), ServiceState.Running);
    }

    private async Task<bool> StartQuietlyAsync(string containerId)
    {
        try
        {
            return await runtime.StartAsync(containerId, CancellationToken.None);
        }
        catch (EngineException)
        {
            return false;
        }
    }

    private async Task<ServiceInstance> StopContainerAsync(ServiceInstance instance)
    {
        try
        {
            if (instance.ContainerId is { } containerId)
            {
                await runtime.StopAsync(containerId, CancellationToken.None);
            }

            return await states.MoveAsync(instance, ServiceTrigger.Stop, "stopped", instance.ContainerId, instance.Version);
        }
        catch (EngineException e)
        {
            return await states.MoveAsync(instance, ServiceTrigger.Fail, "stop failed: " + e.Message, instance.ContainerId, instance.Version);
        }
    }

    private async Task<ServiceRunResult> RecreateAsync(ServiceInstance instance, ServiceTemplate template, string version, IProgress<ImagePullProgress>? progress,
        CancellationToken cancel, CancellationToken stopping)
    {
        try
        {
            foreach (var id in await containers.ListContainersAsync(ServiceContainers.Owned(instance), CancellationToken.None))
            {
                await containers.StopAndRemoveAsync(id, CancellationToken.None);
            }
        }
        catch (EngineException e)
        {
            var failed = await states.MoveAsync(instance, ServiceTrigger.Fail, "removing the old container failed: " + e.Message, instance.ContainerId, instance.Version);
            return ServiceRunResult.Of(failed, ServiceState.Running);
        }

        return await ProvisionAsync(instance with { ContainerId = null }, template, version, progress, cancel, stopping);
    }

    /// <summary>Pull (if missing) → volumes → container → health → route. Every step is recorded before it starts.</summary>
    private async Task<ServiceRunResult> ProvisionAsync(ServiceInstance instance, ServiceTemplate template, string version,
        IProgress<ImagePullProgress>? progress, CancellationToken cancel, CancellationToken stopping)
    {
        var (inputs, domain) = await instances.GetInputsAsync(instance.Id, CancellationToken.None);
        var rendered = ServiceRenderer.Render(template, version, inputs, instance.Host, domain);
        if (!rendered.IsSuccess)
        {
            var refused = await states.MoveAsync(instance, ServiceTrigger.Fail, rendered.Error.Message, instance.ContainerId, instance.Version);
            return ServiceRunResult.Of(refused, ServiceState.Running);
        }

        var image = rendered.Value.Image;

        // The clock starts before Pulling is recorded, so whoever sees Pulling sees a pull already bounded.
        using var timeout = new CancellationTokenSource(PullTimeout, time);
        using var pull = CancellationTokenSource.CreateLinkedTokenSource(cancel, timeout.Token);
        var current = await states.MoveAsync(instance, ServiceTrigger.Pull, $"making sure {image} is present", null, version);
        try
        {
            await images.EnsureImageAsync(image, progress, pull.Token);
        }
        catch (EngineException e)
        {
            return ServiceRunResult.Of(await states.MoveAsync(current, ServiceTrigger.Fail, e.Message, null, instance.Version), ServiceState.Running);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancel.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            var late = await states.MoveAsync(current, ServiceTrigger.Fail, $"pulling {image} took longer than {PullTimeout.TotalMinutes:0} minutes", null, instance.Version);
            return ServiceRunResult.Of(late, ServiceState.Running);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            var canceled = await states.MoveAsync(current, ServiceTrigger.Cancel, $"canceled while pulling {image}", null, instance.Version);
            return new ServiceRunResult(canceled, ServiceOperationState.Canceled, canceled.Reason!);
        }

        current = await states.MoveAsync(current, ServiceTrigger.Pulled, $"starting {image}", null, version);
        var created = await routes.CreateContainerAsync(current, template, rendered.Value);
        if (!created.IsSuccess)
        {
            return ServiceRunResult.Of(await states.MoveAsync(current, ServiceTrigger.Fail, created.Error.Message, null, version), ServiceState.Running);
        }

        current = await states.MoveAsync(current, ServiceTrigger.Note, "waiting for the health check", created.Value, version);
        var ended = await WaitHealthyAsync(current, template, created.Value, removeWhenUnhealthy: true);
        return ServiceRunResult.Of(await routes.PublishAsync(ended, template), ServiceState.Running);
    }

    private async Task<ServiceInstance> WaitHealthyAsync(ServiceInstance instance, ServiceTemplate template, string containerId, bool removeWhenUnhealthy)
    {
        var network = await routes.ProbeNetworkOfAsync(instance) ?? string.Empty;
        var health = await runtime.WaitHealthyAsync(containerId, network, template.HealthCheck, HealthTimeout + (template.HealthCheck?.StartPeriod ?? TimeSpan.Zero), CancellationToken.None);
        if (health.IsHealthy)
        {
            return await states.MoveAsync(instance, ServiceTrigger.BecameHealthy, "healthy: " + health.Reason, containerId, instance.Version);
        }

        string? kept = containerId;
        if (removeWhenUnhealthy)
        {
            // The volumes stay: they may hold data (a kept volume, or the last version's).
            await containers.StopAndRemoveAsync(containerId, CancellationToken.None);
            kept = null;
        }

        return await states.MoveAsync(instance, ServiceTrigger.Fail, "not healthy: " + health.Reason, kept, instance.Version);
    }

    /// <summary>Removes the containers, the route, the volumes unless kept, then the row.</summary>
    private async Task<ServiceRunResult> DeleteAsync(ServiceInstance instance, bool keepVolumes)
    {
        try
        {
            foreach (var id in await containers.ListContainersAsync(ServiceContainers.Owned(instance), CancellationToken.None))
            {
                await containers.StopAndRemoveAsync(id, CancellationToken.None);
            }

            await routes.RemoveRouteAsync(instance);
            if (!keepVolumes)
            {
                foreach (var volume in await volumes.ListVolumesAsync(ServiceContainers.Owned(instance), CancellationToken.None))
                {
                    await volumes.RemoveVolumeAsync(volume, CancellationToken.None);
                }
            }
        }
        catch (Exception e) when (e is EngineException or ProxyException)
        {
            var failed = await states.MoveAsync(instance, ServiceTrigger.Fail, "delete failed: " + e.Message, instance.ContainerId, instance.Version);
            return new ServiceRunResult(failed, ServiceOperationState.Failed, $"The service could not be removed: {e.Message}");
        }

        await instances.DeleteAsync(instance.Id, CancellationToken.None);
        feed.Publish(new ServiceChange(instance, Deleted: true));
        return new ServiceRunResult(null, ServiceOperationState.Succeeded, keepVolumes ? "deleted; volumes kept" : "deleted with its volumes");
    }
}
