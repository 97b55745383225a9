using GoForge.Core.Common.Live;
using GoForge.Core.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Backups;

/// <summary>
/// Works the backup queue (docs/decisions/backups.md#queue), like the deployment and service workers: on start it ends
/// every run a stopped panel left running as failed; then it claims queued runs (at most
/// <see cref="BackupRunOptions.MaxConcurrent"/>, one per target by the queue's index), runs each through the
/// <see cref="BackupRunner"/> under the time-out and the user's cancel, records the outcome, prunes after a success and
/// publishes BackupSucceeded or BackupFailed.
/// </summary>
public sealed class BackupWorker(
    IBackupRunRepository runs,
    BackupRunner runner,
    BackupLeftovers leftovers,
    BackupRetention retention,
    BackupSignal queue,
    BackupCancellations cancellations,
    INotifications notifications,
    ChangeFeed<BackupRunChange> feed,
    IOptions<BackupRunOptions> options,
    TimeProvider time,
    ILogger<BackupWorker> logger) : BackgroundService
{
    public const string InterruptedReason = "the panel stopped during the backup";
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    private readonly Dictionary<Guid, Task> _running = [];

    /// <summary>
    /// Removes what the runs a stopped panel left running left behind (<see cref="BackupLeftovers"/>), then ends them
    /// (failed, with <see cref="InterruptedReason"/>). In that order, so a panel killed again during the clean-up finds
    /// the runs still running at its next start and cleans up again.
    /// </summary>
    public async Task<IReadOnlyList<BackupRun>> RecoverAsync(CancellationToken ct)
    {
        foreach (var run in await runs.ListRunningAsync(ct))
        {
            await leftovers.RemoveAsync(run, ct);
        }

        var ended = await runs.EndRunningAsync(InterruptedReason, time.GetUtcNow(), ct);
        foreach (var run in ended)
        {
            BackupLog.Recovered(logger, run.Id, run.TargetId);
            await NotifyAsync(run with { State = BackupRunState.Failed, Error = InterruptedReason }, ct);
        }

        return ended;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RecoverAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            BackupLog.LoopFailed(logger, e);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var done in _running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
                {
                    _running.Remove(done);
                }

                var free = options.Value.MaxConcurrent - _running.Count;
                if (free > 0)
                {
                    foreach (var run in await runs.ClaimAsync(free, time.GetUtcNow(), stoppingToken))
                    {
                        _running[run.Id] = Task.Run(() => RunAsync(run, stoppingToken), CancellationToken.None);
                    }
                }

                await queue.WaitAsync(IdlePoll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                BackupLog.LoopFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await Task.WhenAll(_running.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Runs one claimed run to its end and records it; a panel stopping mid-run leaves it running for the next start's recovery.</summary>
    public async Task<BackupRun?> RunAsync(BackupRun run, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var cancel = cancellations.Register(run.Id, stoppingToken, run.TargetId);
        using var timeout = new CancellationTokenSource(options.Value.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, timeout.Token);
        BackupLog.RunStarted(logger, run.Id, run.Kind, run.TargetId);
        feed.Publish(new BackupRunChange(run.TargetId, run.Id, BackupRunState.Running));
        BackupRunOutcome outcome;
        try
        {
            outcome = await runner.RunAsync(run, linked.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            cancellations.Unregister(run.Id);
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            outcome = new BackupRunOutcome(BackupRunState.Failed, $"timed out after {options.Value.Timeout}");
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            outcome = new BackupRunOutcome(BackupRunState.Canceled, "canceled");
        }
        catch (Exception e)
        {
            BackupLog.RunFailed(logger, run.Id, e);
            outcome = new BackupRunOutcome(BackupRunState.Failed, $"unexpected error: {e.Message}");
        }
        finally
        {
            cancellations.Unregister(run.Id);
        }

        try
        {
            var now = time.GetUtcNow();
            if (outcome.State == BackupRunState.Succeeded && run.Kind == BackupRunKind.Backup)
            {
                await runs.TryCompleteBackupAsync(run.Id, outcome.ArchiveKey!, outcome.Engine!, outcome.Bytes, outcome.Fingerprint, now, CancellationToken.None);
            }
            else if (outcome.State == BackupRunState.Succeeded)
            {
                await runs.TryCompleteRestoreAsync(run.Id, outcome.Engine!, outcome.Verified, outcome.Verification!, now, CancellationToken.None);
            }
            else
            {
                await runs.TryEndAsync(run.Id, outcome.State, outcome.Error ?? "failed", now, CancellationToken.None);
            }

            var ended = await runs.GetAsync(run.Id, CancellationToken.None) ?? run;
            BackupLog.RunEnded(logger, run.Id, ended.State);
            feed.Publish(new BackupRunChange(run.TargetId, run.Id, ended.State));
            if (ended.State == BackupRunState.Succeeded && ended.Kind == BackupRunKind.Backup)
            {
                await retention.PruneAfterAsync(ended, CancellationToken.None);
            }

            await NotifyAsync(ended, CancellationToken.None);
            return ended;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            BackupLog.RunFailed(logger, run.Id, e);
            return null;
        }
        finally
        {
            queue.Wake();
        }
    }

    private async Task NotifyAsync(BackupRun run, CancellationToken ct)
    {
        if (run.State is not (BackupRunState.Succeeded or BackupRunState.Failed))
        {
            return;
        }

        var what = run.TargetKind == BackupTargetKind.PanelDatabase ? "The panel's database" : $"Service {run.TargetId}";
        var action = run.Kind == BackupRunKind.Backup ? "backup" : "restore";
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Destination"] = run.DestinationName,
            ["Trigger"] = run.Trigger.ToString().ToLowerInvariant(),
            ["Kind"] = action,
        };
        if (run.Bytes is { } bytes)
        {
            facts["Bytes"] = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var succeeded = run.State == BackupRunState.Succeeded;
        var message = succeeded ? run.Verification ?? $"The {action} succeeded." : $"The {action} failed: {run.Error}";
        try
        {
            await notifications.PublishAsync(new NotificationEvent(
                succeeded ? NotificationKind.BackupSucceeded : NotificationKind.BackupFailed,
                run.TargetKind == BackupTargetKind.Service ? run.ProjectId : null,
                run.ScheduleId ?? run.TargetId,
                $"{what}: {action} {(succeeded ? "succeeded" : "failed")}",
                message,
                facts,
                time.GetUtcNow()), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            BackupLog.NotifyFailed(logger, run.Id, e);
        }
    }
}
