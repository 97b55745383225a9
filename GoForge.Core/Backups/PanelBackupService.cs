using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Backups;

/// <summary>
/// The schedule and history of the panel's own database, for administrators only. Backups reuse
/// <see cref="BackupService"/> (pg_dump on the host). Restoring the panel's database is not done by the running panel
/// (its own queue lives in it): download the archive and run the CLI's restore (docs/decisions/backups.md).
/// </summary>
public sealed class PanelBackupService(
    IBackupScheduleRepository schedules,
    BackupTargetOperations operations,
    BackupRequests queue,
    IAuditLog audit,
    TimeProvider time)
{
    private const string Target = "database";
    private static readonly Error NotAdmin = Error.Forbidden("Only administrators manage the panel database's backups.");

    public async Task<Result<BackupOverview>> OverviewAsync(Actor actor, CancellationToken ct = default) =>
        actor.IsAdmin ? await operations.OverviewAsync(PanelDatabase.TargetId, ct) : NotAdmin;

    public async Task<Result<BackupSchedule>> SaveScheduleAsync(Actor actor, BackupScheduleInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var saved = await operations.SaveScheduleAsync(BackupTargetKind.PanelDatabase, PanelDatabase.TargetId, null, input, ct);
        if (saved.IsSuccess)
        {
            await audit.RecordAsync(time, actor, AuditActions.BackupScheduleSaved, Target, $"'{saved.Value.Cron}' {(saved.Value.Enabled ? "enabled" : "disabled")}", ct);
        }

        return saved;
    }

    public async Task<Result<BackupRun>> BackUpNowAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var schedule = await schedules.GetByTargetAsync(PanelDatabase.TargetId, ct);
        if (schedule is null)
        {
            return Error.Conflict("Set up the panel database's backup schedule (its destination) first.");
        }

        var queued = await queue.EnqueueBackupAsync(schedule, BackupTrigger.Manual, actor.AccountId, ct);
        if (queued.IsSuccess)
        {
            await audit.RecordAsync(time, actor, AuditActions.BackupRequested, Target, $"to {queued.Value.DestinationName}", ct);
        }

        return queued;
    }

    public async Task<Result<BackupRun>> GetRunAsync(Actor actor, Guid runId, CancellationToken ct = default) =>
        actor.IsAdmin ? await operations.FindRunAsync(PanelDatabase.TargetId, runId, ct) : NotAdmin;

    public async Task<Result<BackupRun>> CancelAsync(Actor actor, Guid runId, CancellationToken ct = default) =>
        actor.IsAdmin ? await operations.CancelAsync(PanelDatabase.TargetId, runId, ct) : NotAdmin;

    public async Task<Result<BackupArchiveDownload>> OpenArchiveAsync(Actor actor, Guid runId, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var opened = await operations.OpenArchiveAsync(PanelDatabase.TargetId, runId, ct);
        if (opened.IsSuccess)
        {
            await audit.RecordAsync(time, actor, AuditActions.BackupDownloaded, Target, opened.Value.FileName, ct);
        }

        return opened;
    }
}
