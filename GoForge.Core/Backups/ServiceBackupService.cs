using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Services;

namespace GoForge.Core.Backups;

/// <summary>
/// A service's backups, for the members of its project (docs/decisions/backups.md): viewers see the schedule and the
/// history, deployers back up now and cancel, maintainers set the schedule and restore; downloading an archive (the
/// service's whole data, credentials included) needs <see cref="ProjectAction.RevealSecrets"/>. A service of another
/// project answers "not found", like one that does not exist.
/// </summary>
public sealed class ServiceBackupService(
    IServiceInstanceRepository instances,
    ProjectAccess access,
    IBackupScheduleRepository schedules,
    BackupTargetOperations operations,
    BackupRequests queue,
    BackupEngines engines,
    IAuditLog audit,
    TimeProvider time)
{
    public async Task<Result<BackupOverview>> OverviewAsync(Actor actor, Guid serviceId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.View, ct);
        return found.IsSuccess ? await operations.OverviewAsync(serviceId, ct) : found.Error;
    }

    /// <summary>True when a backup engine handles the service's template (the form says so when none does).</summary>
    public async Task<Result<bool>> IsSupportedAsync(Actor actor, Guid serviceId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.View, ct);
        return found.IsSuccess ? engines.For(found.Value.TemplateId) is not null : found.Error;
    }

    public async Task<Result<BackupSchedule>> SaveScheduleAsync(Actor actor, Guid serviceId, BackupScheduleInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        if (engines.For(found.Value.TemplateId) is null)
        {
            return Error.Validation("TemplateId", BackupEngines.NotSupported(found.Value.TemplateId));
        }

        var saved = await operations.SaveScheduleAsync(BackupTargetKind.Service, serviceId, found.Value.ProjectId, input, ct);
        if (saved.IsSuccess)
        {
            await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.BackupScheduleSaved, $"service:{found.Value.Slug}",
                $"'{saved.Value.Cron}' {(saved.Value.Enabled ? "enabled" : "disabled")}, keep last {saved.Value.KeepLast?.ToString() ?? "-"}, {saved.Value.KeepDays?.ToString() ?? "-"} days", ct);
        }

        return saved;
    }

    /// <summary>Queues a backup to the schedule's destination; "conflict" while one of this service is queued or running.</summary>
    public async Task<Result<BackupRun>> BackUpNowAsync(Actor actor, Guid serviceId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Deploy, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        if (engines.For(found.Value.TemplateId) is null)
        {
            return Error.Conflict(BackupEngines.NotSupported(found.Value.TemplateId));
        }

        var schedule = await schedules.GetByTargetAsync(serviceId, ct);
        if (schedule is null)
        {
            return Error.Conflict("Set up the service's backup schedule (its destination) first.");
        }

        var queued = await queue.EnqueueBackupAsync(schedule, BackupTrigger.Manual, actor.AccountId, ct);
        if (queued.IsSuccess)
        {
            await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.BackupRequested, $"service:{found.Value.Slug}", $"to {queued.Value.DestinationName}", ct);
        }

        return queued;
    }

    /// <summary>
    /// Queues a restore of <paramref name="runId"/>'s archive into the same service, replacing its data; only with
    /// <paramref name="confirmation"/> equal to the service's name. The worker verifies the counts afterwards.
    /// </summary>
    public async Task<Result<BackupRun>> RestoreAsync(Actor actor, Guid serviceId, Guid runId, string? confirmation, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Manage, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var run = await operations.FindRunAsync(serviceId, runId, ct);
        if (!run.IsSuccess)
        {
            return run.Error;
        }

        if (!string.Equals(confirmation, found.Value.Name, StringComparison.Ordinal))
        {
            return Error.Validation("Confirmation", $"Type the service's name, {found.Value.Name}, to replace its data with this backup.");
        }

        if (run.Value.Kind != BackupRunKind.Backup)
        {
            return Error.Conflict("Choose a backup to restore, not a restore.");
        }

        var queued = await queue.EnqueueRestoreAsync(run.Value, actor.AccountId, ct);
        if (queued.IsSuccess)
        {
            await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.BackupRestoreRequested, $"service:{found.Value.Slug}", $"backup {runId} from {run.Value.DestinationName}", ct);
        }

        return queued;
    }

    public async Task<Result<BackupRun>> GetRunAsync(Actor actor, Guid serviceId, Guid runId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.View, ct);
        return found.IsSuccess ? await operations.FindRunAsync(serviceId, runId, ct) : found.Error;
    }

    public async Task<Result<BackupRun>> CancelAsync(Actor actor, Guid serviceId, Guid runId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.Deploy, ct);
        return found.IsSuccess ? await operations.CancelAsync(serviceId, runId, ct) : found.Error;
    }

    /// <summary>The archive for download (audited); the caller disposes the stream.</summary>
    public async Task<Result<BackupArchiveDownload>> OpenArchiveAsync(Actor actor, Guid serviceId, Guid runId, CancellationToken ct = default)
    {
        var found = await FindAsync(actor, serviceId, ProjectAction.RevealSecrets, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var opened = await operations.OpenArchiveAsync(serviceId, runId, ct);
        if (opened.IsSuccess)
        {
            await audit.RecordAsync(time, actor, found.Value.ProjectId, AuditActions.BackupDownloaded, $"service:{found.Value.Slug}", opened.Value.FileName, ct);
        }

        return opened;
    }

    private Task<Result<ServiceInstance>> FindAsync(Actor actor, Guid serviceId, ProjectAction action, CancellationToken ct) =>
        ServiceLookup.FindAsync(instances, access, actor, serviceId, action, ct);
}
