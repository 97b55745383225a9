using GoForge.Core.Containers;

namespace GoForge.Core.Services;

/// <summary>
/// What the <see cref="ServiceWorker"/> does first on start. An operation a previous run left Running ended with that
/// process: it is recorded Failed "interrupted by restart". A service left half-way (Creating, Pulling, Starting) with
/// no queued operation is Failed with the same reason, after removing any container the engine has for it that
/// the record does not know (a create cut short between the engine and the database); a recorded container stays,
/// so Start brings it back. Queued operations stay queued: the worker takes them next. One panel per database.
/// </summary>
public sealed class ServiceRecovery(
    IServiceOperationRepository operations,
    IServiceInstanceRepository instances,
    IContainerRuntime containers,
    ServiceStates states,
    TimeProvider time)
{
    public const string InterruptedReason = "interrupted by restart";

    /// <summary>Ends what the last run left in flight; returns the operations it ended.</summary>
    public async Task<IReadOnlyList<ServiceOperation>> RecoverAsync(CancellationToken ct)
    {
        // Services first, operations last: whoever waits on an operation and sees it end then finds its service
        // settled too (the other way round, a client saw the operation failed while its service still said Pulling).
        foreach (var instance in await instances.ListUnsettledAsync(ct))
        {
            if (await operations.GetInFlightAsync(instance.Id, ct) is { State: ServiceOperationState.Queued })
            {
                continue;
            }

            try
            {
                foreach (var id in await containers.ListContainersAsync(ServiceContainers.Owned(instance), ct))
                {
                    if (id != instance.ContainerId)
                    {
                        await containers.StopAndRemoveAsync(id, CancellationToken.None);
                    }
                }
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                // The engine is away: the record still ends Failed; a later Start or Delete removes what is left.
            }

            await states.TryMoveAsync(instance, ServiceTrigger.Fail, InterruptedReason, ct);
        }

        return await operations.EndRunningAsync("failed: " + InterruptedReason, time.GetUtcNow(), ct);
    }
}
