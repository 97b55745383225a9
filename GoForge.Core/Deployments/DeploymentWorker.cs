using System.Data.Common;
using System.Diagnostics;
using GoForge.Core.Operations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Deployments;

/// <summary>
/// Takes pending deployments in order, at most <see cref="DeploymentOptions.MaxConcurrent"/> at once and one per
/// application, and runs each through the <see cref="IDeploymentRunner"/>. On start it first fails every deployment
/// a previous run left in Cloning, Building or Deploying ("interrupted by restart"): their work died with that
/// process, and the application's previous container was never touched before Deploying, so it keeps serving.
/// </summary>
public sealed partial class DeploymentWorker(
    IDeploymentRepository deployments,
    DeploymentStates states,
    DeploymentSignal queue,
    IDeploymentRunner runner,
    IOptions<DeploymentOptions> options,
    GoForgeMetrics metrics,
    ILogger<DeploymentWorker> logger,
    Common.Work.StartupRecovery? startup = null) : BackgroundService
{
    public const string InterruptedReason = "interrupted by restart";

    private readonly Dictionary<Guid, Task> _running = [];

    /// <summary>How long the worker keeps trying to record that a run failed while the database cannot be reached.</summary>
    public static readonly TimeSpan RecordFailureFor = TimeSpan.FromMinutes(2);

    /// <summary>The reason of a run that lost the database; the panel's log has the driver's words.</summary>
    public const string DatabaseLostReason = "the database could not be reached during the run; see the panel's log";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var recovered = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // In the loop: a database that is down at start delays the recovery (and new work), not the panel.
                if (!recovered)
                {
                    await RecoverAsync(stoppingToken);
                    recovered = true;

                    // The reconciler's first pass waits for this: until then, states a crash left active are not yet failed.
                    startup?.DeploymentsRecovered();
                }

                Reap();
                var free = settings.MaxConcurrent - _running.Count;
                if (free > 0)
                {
                    foreach (var id in await deployments.ListRunnableAsync(free, stoppingToken))
                    {
                        await TryStartAsync(id, stoppingToken);
                    }
                }

                metrics.DeploymentsQueued(await deployments.CountPendingAsync(stoppingToken));

                await queue.WaitAsync(settings.IdlePollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The loop must not die: log, pause briefly, and look at the queue again.
                LogLoopFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await Task.WhenAll(_running.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task RecoverAsync(CancellationToken ct)
    {
        foreach (var id in await deployments.ListActiveAsync(ct))
        {
            var failed = await states.TransitionAsync(id, DeploymentTrigger.Fail, TransitionRequest.System(InterruptedReason), ct);
            LogRecovered(logger, id, failed.IsSuccess);
            if (failed.IsSuccess)
            {
                metrics.DeploymentEnded(DeploymentState.Failed, duration: null);
            }

            RemoveWorkFolder(id);
        }
    }

    /// <summary>
    /// The clone a killed run left (its runner's own clean-up never ran). Only the folder named for this very
    /// deployment: the work folder may be shared, and nothing else in it is provably this run's.
    /// </summary>
    private void RemoveWorkFolder(Guid deploymentId)
    {
        var folder = WorkFolder.Of(options.Value, deploymentId);
        if (WorkFolder.TryDelete(folder, out var failure))
        {
            LogWorkFolderRemoved(logger, deploymentId, folder);
        }
        else if (failure is not null)
        {
            LogWorkFolderKept(logger, deploymentId, folder, failure);
        }
    }

    private async Task TryStartAsync(Guid id, CancellationToken ct)
    {
        // Compare-and-set: another panel, a cancel or a newer deployment may have moved it meanwhile.
        var pending = await deployments.GetAsync(id, ct);
        var trigger = pending?.Kind == DeploymentKind.Restart ? DeploymentTrigger.StartRestart
            : pending?.RollbackOf is not null ? DeploymentTrigger.StartFromImage
            : pending?.ImageReference is not null ? DeploymentTrigger.StartPull
            : DeploymentTrigger.Start;
        var started = await states.TransitionAsync(id, trigger, TransitionRequest.System("picked up"), ct);
        if (!started.IsSuccess)
        {
            return;
        }

        _running[id] = Task.Run(async () =>
        {
            // Every line logged while it runs, by any logger, carries the deployment, its application and commit.
            using var scope = DeploymentLogScope.Begin(logger, started.Value);
            var startedAt = Stopwatch.GetTimestamp();
            metrics.DeploymentRunStarted();
            LogRunStarted(logger, id, started.Value.ApplicationId);
            try
            {
                await runner.RunAsync(started.Value, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogRunFailed(logger, id, e);
                await RecordFailureAsync(id, e is DbException ? DatabaseLostReason : $"unexpected error: {e.Message}", ct);
            }
            finally
            {
                metrics.DeploymentRunFinished();
                await RecordEndAsync(id, Stopwatch.GetElapsedTime(startedAt));
                queue.Wake();
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Fails the run, retrying while the database is away (a run usually dies of exactly that), so the deployment
    /// ends failed once it is back instead of staying active until the next start. Given up after
    /// <see cref="RecordFailureFor"/> or at shutdown: the next start's recovery fails it then.
    /// </summary>
    private async Task RecordFailureAsync(Guid id, string reason, CancellationToken ct)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await states.TransitionAsync(id, DeploymentTrigger.Fail, TransitionRequest.System(reason), CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (Stopwatch.GetElapsedTime(startedAt) >= RecordFailureFor || ct.IsCancellationRequested)
                {
                    LogFailureNotRecorded(logger, id, e);
                    return;
                }

                await Task.Delay(delay, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task RecordEndAsync(Guid id, TimeSpan elapsed)
    {
        try
        {
            // A panel stopping mid-run leaves the deployment active: the next start fails and counts it.
            if (await deployments.GetAsync(id, CancellationToken.None) is { } ended && !ended.State.IsInProgress())
            {
                metrics.DeploymentEnded(ended.State, elapsed);
                LogRunEnded(logger, id, ended.State, elapsed.TotalSeconds);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Metrics never fail a deployment, nor the loop.
            LogEndNotRecorded(logger, id, e);
        }
    }

    private void Reap()
    {
        foreach (var done in _running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
        {
            _running.Remove(done);
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "The deployment worker loop failed; it goes on")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Deployment {DeploymentId} was interrupted by a restart; marked failed: {Recorded}")]
    private static partial void LogRecovered(ILogger logger, Guid deploymentId, bool recorded);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Deployment {DeploymentId} of application {ApplicationId} started")]
    private static partial void LogRunStarted(ILogger logger, Guid deploymentId, Guid applicationId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Deployment {DeploymentId} ended {State} after {Seconds:0.0} s")]
    private static partial void LogRunEnded(ILogger logger, Guid deploymentId, DeploymentState state, double seconds);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "The end of deployment {DeploymentId} was not counted in the metrics")]
    private static partial void LogEndNotRecorded(ILogger logger, Guid deploymentId, Exception exception);

    [LoggerMessage(EventId = 3063, Level = LogLevel.Error, Message = "Deployment {DeploymentId} stays active: its failure could not be recorded; the next start fails it")]
    private static partial void LogFailureNotRecorded(ILogger logger, Guid deploymentId, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Removed the clone folder {Folder} that the interrupted deployment {DeploymentId} left")]
    private static partial void LogWorkFolderRemoved(ILogger logger, Guid deploymentId, string folder);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Could not remove the clone folder {Folder} of the interrupted deployment {DeploymentId}: {Reason}")]
    private static partial void LogWorkFolderKept(ILogger logger, Guid deploymentId, string folder, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Deployment {DeploymentId} failed unexpectedly")]
    private static partial void LogRunFailed(ILogger logger, Guid deploymentId, Exception exception);
}
