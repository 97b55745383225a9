using System.Globalization;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Identity;
using GoForge.Core.Servers;

namespace GoForge.Core.Monitoring;

/// <summary>What the admin Docker page shows.</summary>
/// <param name="Engine">Version and reachability.</param>
/// <param name="DiskUsage">Null when the engine could not be asked.</param>
/// <param name="Images">GoForge's images.</param>
/// <param name="Containers">GoForge's containers as the tracker knows them.</param>
public sealed record DockerOverview(EngineStatus Engine, DiskUsage? DiskUsage, IReadOnlyList<EngineImage> Images, IReadOnlyList<ContainerSnapshot> Containers, string? Error);

/// <summary>
/// The engine for administrators: disk usage, GoForge's images and containers, and prunes. A prune is two steps: a
/// plan that lists what would go, then the removal of exactly what the admin confirmed from it. Without
/// <c>everything</c> only what GoForge created (labelled) is ever listed or removed. Every prune is audited.
/// </summary>
public sealed class DockerAdminService(IEngineStatusProbe engine, IDockerMaintenance maintenance, ContainerStateTracker tracker, IAuditLog audit, TimeProvider time)
{
    private static readonly Error NotAdmin = Error.Forbidden("Only administrators manage the Docker engine.");

    public async Task<Result<DockerOverview>> GetOverviewAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var status = await engine.GetStatusAsync(ct);
        if (!status.Reachable)
        {
            return new DockerOverview(status, null, [], tracker.All(), status.Error);
        }

        try
        {
            var usage = await maintenance.DiskUsageAsync(ct);
            var images = await maintenance.ListManagedImagesAsync(ct);
            return new DockerOverview(status, usage, images, tracker.All(), null);
        }
        catch (EngineException e)
        {
            return new DockerOverview(status, null, [], tracker.All(), e.Message);
        }
    }

    /// <summary>What a prune would remove now; removes nothing.</summary>
    public async Task<Result<IReadOnlyList<PruneCandidate>>> PlanPruneAsync(Actor actor, PruneKind kind, bool everything, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        if (!Enum.IsDefined(kind))
        {
            return Error.Validation(nameof(kind), "Choose what to prune.");
        }

        try
        {
            return Result<IReadOnlyList<PruneCandidate>>.Ok(await maintenance.PlanPruneAsync(kind, everything, ct));
        }
        catch (EngineException e)
        {
            return Error.Conflict($"The Docker engine could not be asked: {e.Message}");
        }
    }

    /// <summary>
    /// Removes the confirmed candidates of a plan. Without <paramref name="everything"/>, a candidate that is not
    /// GoForge's is refused before anything is removed.
    /// </summary>
    public async Task<Result<PruneOutcome>> PruneAsync(Actor actor, PruneKind kind, bool everything, IReadOnlyList<PruneCandidate> confirmed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(confirmed);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        if (!Enum.IsDefined(kind))
        {
            return Error.Validation(nameof(kind), "Choose what to prune.");
        }

        if (!everything && confirmed.Any(c => !c.Managed))
        {
            return Error.Validation(nameof(everything), "Items GoForge did not create are pruned only when \"all\" is chosen and confirmed.");
        }

        PruneOutcome outcome;
        try
        {
            outcome = await maintenance.PruneAsync(kind, everything, confirmed, ct);
        }
        catch (EngineException e)
        {
            return Error.Conflict($"The Docker engine could not be asked: {e.Message}");
        }

        var detail = string.Create(CultureInfo.InvariantCulture, $"{kind}{(everything ? " (all)" : "")}: {outcome.Removed} removed, {outcome.ReclaimedBytes} bytes, {outcome.Skipped.Count} skipped");
        await audit.RecordAsync(time, actor, AuditActions.DockerPruned, $"docker:{kind}", detail, ct);
        return outcome;
    }
}
