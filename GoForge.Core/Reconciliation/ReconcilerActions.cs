using GoForge.Core.Auditing;
using GoForge.Core.Containers;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Reconciliation;

/// <summary>Records each of the reconciler's actions: in the pass's report, the log, and the audit log (no actor: the system).</summary>
public sealed class ReconcilerActions(IContainerRuntime containers, IAuditLog audit, TimeProvider time, ILogger<ReconcilerActions> logger)
{
    /// <summary>At most this many containers are stopped at once (a container that ignores SIGTERM takes the engine's 10 s).</summary>
    private const int ParallelRemovals = 8;

    internal async Task RecordAsync(ReconcilePass pass, string action, string target, string detail, CancellationToken ct)
    {
        pass.Did(action, target, detail);
        logger.Acted(action, target, detail);
        await audit.RecordAsync(new AuditEvent { OccurredAt = time.GetUtcNow(), Action = action, Target = target, Detail = detail }, ct);
    }

    /// <summary>Stops and removes the pass's leftovers, a few at once; one that fails is logged and left for the next pass.</summary>
    internal async Task RemoveAllAsync(ReconcilePass pass, CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(ParallelRemovals);
        await Task.WhenAll(pass.Removals.Select(async removal =>
        {
            await slots.WaitAsync(ct);
            try
            {
                await containers.StopAndRemoveAsync(removal.Container.Id, ct);
                await RecordAsync(pass, AuditActions.ReconcilerContainerRemoved, removal.Target, $"removed container {removal.Container.Name} {removal.Why}", ct);
            }
            catch (EngineException e)
            {
                logger.ActionFailed(removal.Target, e.Message);
            }
            finally
            {
                slots.Release();
            }
        }));
    }
}
