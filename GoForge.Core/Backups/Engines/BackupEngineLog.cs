using Microsoft.Extensions.Logging;

namespace GoForge.Core.Backups.Engines;

/// <summary>Database engine logs: container ids and counts, never inputs (they hold the credentials).</summary>
internal static partial class BackupEngineLog
{
    [LoggerMessage(EventId = 7442, Level = LogLevel.Information, Message = "Restoring the roles into {ContainerId}: {Count} already existed and were kept")]
    public static partial void GlobalsAlreadyPresent(this ILogger logger, string containerId, int count);

    [LoggerMessage(EventId = 7443, Level = LogLevel.Information, Message = "Redis restore in {ContainerId}: {Step}")]
    public static partial void RedisRestoreStep(this ILogger logger, string containerId, string step);

    [LoggerMessage(EventId = 7444, Level = LogLevel.Warning, Message = "Redis restore in {ContainerId}: cleaning up failed: {Error}")]
    public static partial void RedisRestoreCleanupFailed(this ILogger logger, string containerId, string error);
}
