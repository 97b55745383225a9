using System.Globalization;
using GoForge.Core.Monitoring;
using GoForge.Infrastructure.Docker.Monitoring;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker.BuildKit;

/// <summary>
/// Keeps GoForge's build cache within <see cref="BuildKitOptions.CacheBudgetBytes"/>. Around each build the engine's
/// record ids are listed; those that appeared are written down as GoForge's (<see cref="BuildCacheLedger"/>). When
/// GoForge's records together pass the budget, its unused ones are pruned by id, oldest first, until it fits; no other
/// owner's record is ever pruned. A record another owner's build made at the same moment can be taken for GoForge's:
/// the price of an engine that labels nothing (docs/deployments/buildkit.md).
/// </summary>
public sealed class BuildCacheBudget(DockerMaintenance maintenance, BuildCacheLedger ledger, ILogger<BuildCacheBudget> logger) : IDisposable
{
    private readonly SemaphoreSlim _prune = new(1, 1);

    /// <summary>
    /// The record ids on the engine now, to compare with after the build; null when the engine could not say (the
    /// build then goes on, and its records are not counted). Never fails the build.
    /// </summary>
    public async Task<IReadOnlySet<string>?> SnapshotAsync(CancellationToken ct)
    {
        try
        {
            return (await maintenance.BuildCacheRecordsAsync(ct)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.BuildCachePruneFailed(e.Message);
            return null;
        }
    }

    /// <summary>Records what the build added, then prunes GoForge's cache down to the budget. Never fails the build.</summary>
    public async Task AfterBuildAsync(IReadOnlySet<string> before, IProgress<string> log, CancellationToken ct)
    {
        try
        {
            var current = await maintenance.BuildCacheRecordsAsync(ct);
            await ledger.RecordAsync(current.Select(r => r.Id).Where(id => !before.Contains(id)).ToList(), ct);
            await PruneToBudgetAsync(log, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.BuildCachePruneFailed(e.Message);
        }
    }

    private async Task PruneToBudgetAsync(IProgress<string> log, CancellationToken ct)
    {
        var budget = ledger.BudgetBytes;
        if (budget == 0)
        {
            return;
        }

        await _prune.WaitAsync(ct);
        try
        {
            var ours = await maintenance.GoForgeBuildCacheRecordsAsync(ct);
            var total = ours.Sum(r => r.Size);
            if (total <= budget)
            {
                return;
            }

            var candidates = new List<PruneCandidate>();
            foreach (var record in ours.Where(r => !r.InUse))
            {
                if (total <= budget)
                {
                    break;
                }

                candidates.Add(new PruneCandidate(record.Id, $"Build cache {record.Type}: {record.Description}", record.Size, Managed: true));
                total -= record.Size;
            }

            var outcome = await maintenance.PruneAsync(PruneKind.BuildCache, everything: false, candidates, ct);
            logger.BuildCachePruned(outcome.Removed, outcome.ReclaimedBytes, budget);
            log.Report(string.Create(CultureInfo.InvariantCulture,
                $"Pruned {outcome.Removed} of GoForge's build cache records ({outcome.ReclaimedBytes / (1024 * 1024)} MiB) to keep within its budget of {budget / (1024 * 1024)} MiB"));
        }
        finally
        {
            _prune.Release();
        }
    }

    public void Dispose() => _prune.Dispose();
}
