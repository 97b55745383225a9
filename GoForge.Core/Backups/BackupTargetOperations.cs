using GoForge.Core.Common;

namespace GoForge.Core.Backups;

/// <summary>
/// What both kinds of target share once their service has authorized the actor: the schedule (validated, with a
/// destination that exists), the history, cancel, and opening an archive. Never reached without that check.
/// </summary>
public sealed class BackupTargetOperations(
    IBackupScheduleRepository schedules,
    IBackupDestinationRepository destinations,
    IBackupRunRepository runs,
    IBackupStoreFactory stores,
    BackupCancellations cancellations,
    TimeProvider time)
{
    public const int HistoryLength = 50;

    public async Task<Result<BackupSchedule>> SaveScheduleAsync(BackupTargetKind kind, Guid targetId, Guid? projectId, BackupScheduleInput input, CancellationToken ct)
    {
        var valid = BackupScheduleRules.Validate(input);
        if (!valid.IsSuccess)
        {
            return valid.Error;
        }

        if (await destinations.GetAsync(valid.Value.DestinationId!.Value, ct) is null)
        {
            return Error.Validation(nameof(BackupScheduleInput.DestinationId), "That destination does not exist; choose one of the list.");
        }

        var now = time.GetUtcNow();
        var existing = await schedules.GetByTargetAsync(targetId, ct);
        var schedule = new BackupSchedule
        {
            Id = existing?.Id ?? Guid.NewGuid(),
            TargetKind = kind,
            TargetId = targetId,
            ProjectId = projectId,
            DestinationId = valid.Value.DestinationId.Value,
            Cron = valid.Value.Cron!,
            KeepLast = valid.Value.KeepLast,
            KeepDays = valid.Value.KeepDays,
            Enabled = valid.Value.Enabled,
            // A changed expression counts from now: no occurrence of the past is caught up.
            LastScheduledAt = now,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        await schedules.SaveAsync(schedule, ct);
        return schedule;
    }

    public async Task<BackupOverview> OverviewAsync(Guid targetId, CancellationToken ct)
    {
        var schedule = await schedules.GetByTargetAsync(targetId, ct);
        DateTimeOffset? next = null;
        if (schedule is { Enabled: true } && BackupScheduleRules.ParseCron(schedule.Cron) is { IsSuccess: true } cron)
        {
            next = BackupScheduleRules.Next(cron.Value, schedule.LastScheduledAt ?? schedule.CreatedAt);
        }

        return new BackupOverview(schedule, next, await runs.ListRecentAsync(targetId, HistoryLength, ct), BackupScheduleRules.TimeZoneDisplay);
    }

    public async Task<Result<BackupRun>> FindRunAsync(Guid targetId, Guid runId, CancellationToken ct)
    {
        var run = await runs.GetAsync(runId, ct);
        return run is null || run.TargetId != targetId ? Error.NotFound("No such backup.") : run;
    }

    public async Task<Result<BackupRun>> CancelAsync(Guid targetId, Guid runId, CancellationToken ct)
    {
        var run = await FindRunAsync(targetId, runId, ct);
        if (!run.IsSuccess)
        {
            return run.Error;
        }

        if (await runs.TryCancelQueuedAsync(runId, "canceled before it started", time.GetUtcNow(), ct))
        {
            return (await runs.GetAsync(runId, ct))!;
        }

        return cancellations.Cancel(runId) ? run.Value : Error.Conflict("That run is not queued or running any more.");
    }

    public async Task<Result<BackupArchiveDownload>> OpenArchiveAsync(Guid targetId, Guid runId, CancellationToken ct)
    {
        var run = await FindRunAsync(targetId, runId, ct);
        if (!run.IsSuccess)
        {
            return run.Error;
        }

        if (!run.Value.HasArchive)
        {
            return Error.Conflict("That backup has no archive (it did not succeed, or retention removed it).");
        }

        var spec = await destinations.OpenSpecAsync(run.Value.DestinationId!.Value, ct);
        if (spec is null)
        {
            return Error.Conflict("The backup's destination no longer exists.");
        }

        try
        {
            var stream = await stores.Open(spec).OpenReadAsync(run.Value.ArchiveKey!, ct);
            return new BackupArchiveDownload(BackupArchiveKeys.FileName(run.Value.ArchiveKey!), stream);
        }
        catch (FileNotFoundException)
        {
            return Error.Conflict("The archive is no longer at its destination.");
        }
        catch (BackupStoreException e)
        {
            return Error.Conflict($"The destination could not be read: {e.Message}");
        }
    }
}

/// <summary>A target's schedule (null until one is set), its next run, its recent history, and the time zone schedules are read in.</summary>
public sealed record BackupOverview(BackupSchedule? Schedule, DateTimeOffset? NextRun, IReadOnlyList<BackupRun> Runs, string TimeZone);

/// <summary>An archive opened for download; the caller disposes <see cref="Content"/>.</summary>
public sealed record BackupArchiveDownload(string FileName, Stream Content);

/// <summary>The keys archives are stored under: made by GoForge only, relative, no "..".</summary>
public static class BackupArchiveKeys
{
    public static string For(BackupRun run, string extension) => Stem(run) + extension;

    /// <summary>The run's key without the engine's extension: what every write of this run starts with.</summary>
    public static string Stem(BackupRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var folder = run.TargetKind == BackupTargetKind.PanelDatabase ? "panel-database" : $"services/{run.TargetId:N}";
        return $"{folder}/{run.CreatedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{run.Id.ToString("N")[..8]}";
    }

    public static string FileName(string key) => key[(key.LastIndexOf('/') + 1)..];
}
