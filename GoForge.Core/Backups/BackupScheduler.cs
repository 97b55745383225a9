using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Backups;

/// <summary>
/// Queues scheduled backups (docs/decisions/backups.md#schedules): every <see cref="BackupRunOptions.SchedulerInterval"/>
/// it looks for enabled schedules whose next occurrence (after the last one queued) has come, in the server's time
/// zone. Occurrences missed while the panel was down collapse into one run. Marking the occurrence is a
/// compare-and-set, so two panels queue it once; a target with a run in flight is skipped, never started twice.
/// </summary>
public sealed class BackupScheduler(
    IBackupScheduleRepository schedules,
    BackupRequests queue,
    IOptions<BackupRunOptions> options,
    TimeProvider time,
    ILogger<BackupScheduler> logger) : BackgroundService
{
    /// <summary>One pass: queues what is due at <paramref name="now"/>; returns the runs queued.</summary>
    public async Task<IReadOnlyList<BackupRun>> QueueDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var queued = new List<BackupRun>();
        foreach (var schedule in await schedules.ListEnabledAsync(ct))
        {
            var cron = BackupScheduleRules.ParseCron(schedule.Cron);
            if (!cron.IsSuccess)
            {
                continue;
            }

            var from = schedule.LastScheduledAt ?? schedule.CreatedAt;
            var occurrence = cron.Value.GetOccurrences(from, now, BackupScheduleRules.TimeZone, fromInclusive: false, toInclusive: true).LastOrDefault();
            if (occurrence == default || !await schedules.TryMarkScheduledAsync(schedule.Id, schedule.LastScheduledAt, occurrence, ct))
            {
                continue;
            }

            var run = await queue.EnqueueBackupAsync(schedule, BackupTrigger.Scheduled, null, ct);
            if (run.IsSuccess)
            {
                BackupLog.Scheduled(logger, schedule.TargetId, occurrence);
                queued.Add(run.Value);
            }
            else
            {
                BackupLog.ScheduledSkipped(logger, schedule.TargetId);
            }
        }

        return queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SchedulerInterval, time);
        do
        {
            try
            {
                await QueueDueAsync(time.GetUtcNow(), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                BackupLog.SchedulerFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t is { IsCompletedSuccessfully: true, Result: true }, TaskScheduler.Default));
    }
}
