using GoForge.Core.Common;

namespace GoForge.Core.Backups;

/// <summary>
/// Queues backups and restores (no authorization here: the target's own service checked the actor first). One run per
/// target at a time is the queue's unique index, so a second request answers "conflict" instead of starting twice.
/// </summary>
public sealed class BackupRequests(
    IBackupDestinationRepository destinations,
    IBackupRunRepository runs,
    BackupSignal signal,
    Common.Live.ChangeFeed<BackupRunChange> feed,
    TimeProvider time)
{
    public static readonly Error Busy = Error.Conflict("A backup or restore of this target is queued or running already; wait for it to end.");

    public async Task<Result<BackupRun>> EnqueueBackupAsync(BackupSchedule schedule, BackupTrigger trigger, Guid? requestedBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var destination = await destinations.GetAsync(schedule.DestinationId, ct);
        if (destination is null)
        {
            return Error.Conflict("The schedule's destination no longer exists; choose another one.");
        }

        var run = new BackupRun
        {
            Id = Guid.NewGuid(),
            Kind = BackupRunKind.Backup,
            TargetKind = schedule.TargetKind,
            TargetId = schedule.TargetId,
            ProjectId = schedule.ProjectId,
            ScheduleId = schedule.Id,
            DestinationId = destination.Id,
            DestinationName = destination.Name,
            Trigger = trigger,
            State = BackupRunState.Queued,
            RequestedBy = requestedBy,
            CreatedAt = time.GetUtcNow(),
        };
        return await EnqueueAsync(run, ct);
    }

    public async Task<Result<BackupRun>> EnqueueRestoreAsync(BackupRun source, Guid? requestedBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.HasArchive)
        {
            return Error.Conflict("That backup has no archive to restore (it did not succeed, or retention removed it).");
        }

        var run = source with
        {
            Id = Guid.NewGuid(),
            Kind = BackupRunKind.Restore,
            SourceRunId = source.Id,
            Trigger = BackupTrigger.Manual,
            State = BackupRunState.Queued,
            Engine = null,
            Bytes = null,
            Fingerprint = null,
            Verified = null,
            Verification = null,
            Error = null,
            RequestedBy = requestedBy,
            CreatedAt = time.GetUtcNow(),
            StartedAt = null,
            EndedAt = null,
            PrunedAt = null,
        };
        return await EnqueueAsync(run, ct);
    }

    private async Task<Result<BackupRun>> EnqueueAsync(BackupRun run, CancellationToken ct)
    {
        if (!await runs.TryEnqueueAsync(run, ct))
        {
            return Busy;
        }

        signal.Wake();
        feed.Publish(new BackupRunChange(run.TargetId, run.Id, run.State));
        return run;
    }
}
