namespace GoForge.Core.Backups;

/// <summary>
/// After a backup succeeded: removes the archives of its target at its destination that the schedule's retention no
/// longer keeps (<see cref="BackupScheduleRules.ToPrune"/>), and marks their runs pruned. A removal that fails is logged
/// and left for the next success.
/// </summary>
public sealed class BackupRetention(
    IBackupScheduleRepository schedules,
    IBackupDestinationRepository destinations,
    IBackupRunRepository runs,
    IBackupStoreFactory stores,
    TimeProvider time,
    Microsoft.Extensions.Logging.ILogger<BackupRetention> logger)
{
    /// <summary>The runs whose archives were removed.</summary>
    public async Task<IReadOnlyList<BackupRun>> PruneAfterAsync(BackupRun succeeded, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(succeeded);
        var schedule = await schedules.GetByTargetAsync(succeeded.TargetId, ct);
        if (schedule is null || succeeded.DestinationId is not { } destinationId || (schedule.KeepLast is null && schedule.KeepDays is null))
        {
            return [];
        }

        var spec = await destinations.OpenSpecAsync(destinationId, ct);
        if (spec is null)
        {
            return [];
        }

        var store = stores.Open(spec);
        var kept = await runs.ListKeptArchivesAsync(succeeded.TargetId, destinationId, ct);
        var pruned = new List<BackupRun>();
        foreach (var run in BackupScheduleRules.ToPrune(kept, schedule.KeepLast, schedule.KeepDays, time.GetUtcNow()))
        {
            if (run.Id == succeeded.Id)
            {
                continue;
            }

            try
            {
                await store.DeleteAsync(run.ArchiveKey!, ct);
                await runs.MarkPrunedAsync(run.Id, time.GetUtcNow(), ct);
                BackupLog.Pruned(logger, run.ArchiveKey!, run.TargetId);
                pruned.Add(run);
            }
            catch (Exception e) when (e is BackupStoreException or IOException or UnauthorizedAccessException)
            {
                BackupLog.PruneFailed(logger, run.ArchiveKey!, run.TargetId, e);
            }
        }

        return pruned;
    }
}
