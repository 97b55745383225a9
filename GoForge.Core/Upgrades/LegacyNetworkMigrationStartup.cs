using GoForge.Core.Containers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Upgrades;

/// <summary>
/// Runs <see cref="LegacyNetworkMigration"/> when the panel starts, before the workers take work: an engine that cannot
/// be reached, or refuses, is logged and the panel starts anyway (the next start tries again).
/// </summary>
public sealed partial class LegacyNetworkMigrationStartup(LegacyNetworkMigration migration, ILogger<LegacyNetworkMigrationStartup> logger) : IHostedService
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            var report = await migration.RunAsync(timeout.Token);
            LogDone(logger, report.Moved, report.Removed, report.Kept);
        }
        catch (Exception e) when (e is EngineException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFailed(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3213, Level = LogLevel.Information, Message = "Network names migration: {Moved} containers moved, {Removed} old networks removed, {Kept} kept")]
    private static partial void LogDone(ILogger logger, int moved, int removed, int kept);

    [LoggerMessage(EventId = 3214, Level = LogLevel.Warning, Message = "Network names migration did not finish (it runs again at the next start): {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
