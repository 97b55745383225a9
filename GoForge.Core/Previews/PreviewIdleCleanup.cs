using GoForge.Core.Projects;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Previews;

/// <summary>
/// Tears down open previews idle (no event, approval or redeploy) for longer than their application's idle days, and
/// finishes the teardown of closed previews that still hold something (a crash of the panel cut it short).
/// </summary>
public sealed partial class PreviewIdleCleanup(IPreviewRepository previews, IApplicationRepository applications, PreviewTeardown teardown, TimeProvider time, ILogger<PreviewIdleCleanup> logger)
{
    /// <summary>One pass; answers how many previews it tore down.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var closed = 0;
        foreach (var idle in await previews.ListIdleAsync(now, ct))
        {
            if (await applications.GetAsync(idle.ApplicationId, ct) is not { } app)
            {
                continue;
            }

            var days = (int)(now - idle.LastActivityAt).TotalDays;
            var why = $"idle for {days} days";
            await previews.SaveAsync(idle with { State = PreviewState.Closed, Reason = why, ClosedAt = now }, ct);
            await teardown.TearDownAsync(app, idle, why, ct);
            Log.TornDown(logger, idle.Number, app.Id, days);
            closed++;
        }

        // Closed previews a crash (or a failing proxy or engine) left holding a route, container or image.
        foreach (var left in await previews.ListClosedWithLeftoversAsync(ct))
        {
            if (await applications.GetAsync(left.ApplicationId, ct) is { } app)
            {
                await teardown.RemoveLeftoversAsync(app, left, ct);
            }
        }

        return closed;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7572, Level = LogLevel.Information, Message = "Preview of pull request #{Number} of application {ApplicationId} torn down: idle for {Days} days")]
        public static partial void TornDown(ILogger logger, int number, Guid applicationId, int days);
    }
}

/// <summary>Runs <see cref="PreviewIdleCleanup"/> every hour; a failing pass is logged and the loop goes on.</summary>
public sealed partial class PreviewIdleWorker(PreviewIdleCleanup cleanup, TimeProvider time, ILogger<PreviewIdleWorker> logger) : BackgroundService
{
    /// <summary>Idle days are whole days: an hour late is close enough, and a pass is one indexed query when nothing is idle.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await cleanup.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e);
            }

            await Task.Delay(Interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(EventId = 7573, Level = LogLevel.Error, Message = "A preview idle clean-up pass failed; the next one runs in an hour")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
