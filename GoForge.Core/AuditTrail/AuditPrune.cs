using GoForge.Core.Auditing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.AuditTrail;

/// <summary>
/// One prune of the audit log: deletes the events older than the retention (<see cref="AuditRetention"/>) in batches
/// of <see cref="BatchSize"/> rows a statement, so a huge table is never locked for long, and records one
/// <c>audit.pruned</c> event when it removed anything.
/// </summary>
public sealed partial class AuditPrune(AuditRetention retention, IAuditRetentionRepository repository, IAuditLog audit, TimeProvider time, ILogger<AuditPrune> logger)
{
    public const int BatchSize = 5_000;

    /// <summary>The most one delete statement may take before the pass gives up (the next pass goes on).</summary>
    public static readonly TimeSpan StatementTimeout = TimeSpan.FromMinutes(2);

    /// <summary>One pass; answers how many events it removed.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var days = await retention.DaysAsync(ct);
        var now = time.GetUtcNow();
        var cutoff = now.AddDays(-days);
        var removed = 0;
        int batch;
        do
        {
            using var limit = new CancellationTokenSource(StatementTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
            batch = await repository.DeleteOlderThanAsync(cutoff, BatchSize, linked.Token);
            removed += batch;
        }
        while (batch == BatchSize);

        if (removed > 0)
        {
            Log.Pruned(logger, removed, cutoff, days);
            await audit.RecordAsync(new AuditEvent
            {
                OccurredAt = now,
                Action = AuditActions.AuditPruned,
                Target = "audit-log",
                Detail = $"{removed} event{(removed == 1 ? "" : "s")} before {cutoff:yyyy-MM-dd HH:mm:ss}Z removed (kept for {days} days)",
            }, ct);
        }

        return removed;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7640, Level = LogLevel.Information, Message = "Audit log pruned: {Removed} events before {Cutoff} removed (kept for {Days} days)")]
        public static partial void Pruned(ILogger logger, int removed, DateTimeOffset cutoff, int days);
    }
}

/// <summary>Runs <see cref="AuditPrune"/> soon after start, then every day; a failing pass is logged and the loop goes on.</summary>
public sealed partial class AuditPruneWorker(AuditPrune prune, TimeProvider time, ILogger<AuditPruneWorker> logger) : BackgroundService
{
    /// <summary>The wait before the first pass: the panel's start-up (migrations, recovery) comes first.</summary>
    public static readonly TimeSpan FirstPassDelay = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan Interval = TimeSpan.FromHours(24);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = FirstPassDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(wait, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await prune.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e);
            }

            wait = Interval;
        }
    }

    [LoggerMessage(EventId = 7641, Level = LogLevel.Error, Message = "An audit log prune failed; the next one runs in a day")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
