using Microsoft.Extensions.Logging;

namespace GoForge.Core.Backups;

/// <summary>The backups' log messages (EventIds 7400–7439).</summary>
internal static partial class BackupLog
{
    [LoggerMessage(EventId = 7400, Level = LogLevel.Error, Message = "The backup worker loop failed; it goes on")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7401, Level = LogLevel.Warning, Message = "Backup run {RunId} of target {TargetId} was interrupted by a restart of the panel; marked failed")]
    public static partial void Recovered(ILogger logger, Guid runId, Guid targetId);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Information, Message = "Backup run {RunId} ({Kind}) of target {TargetId} started")]
    public static partial void RunStarted(ILogger logger, Guid runId, BackupRunKind kind, Guid targetId);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Information, Message = "Backup run {RunId} ended {State}")]
    public static partial void RunEnded(ILogger logger, Guid runId, BackupRunState state);

    [LoggerMessage(EventId = 7404, Level = LogLevel.Error, Message = "Backup run {RunId} failed unexpectedly")]
    public static partial void RunFailed(ILogger logger, Guid runId, Exception exception);

    [LoggerMessage(EventId = 7405, Level = LogLevel.Error, Message = "The backup scheduler pass failed; it goes on")]
    public static partial void SchedulerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7406, Level = LogLevel.Information, Message = "Scheduled backup of target {TargetId} queued for {Occurrence}")]
    public static partial void Scheduled(ILogger logger, Guid targetId, DateTimeOffset occurrence);

    [LoggerMessage(EventId = 7407, Level = LogLevel.Information, Message = "Scheduled backup of target {TargetId} skipped: one is queued or running")]
    public static partial void ScheduledSkipped(ILogger logger, Guid targetId);

    [LoggerMessage(EventId = 7408, Level = LogLevel.Information, Message = "Retention removed archive {Key} of target {TargetId}")]
    public static partial void Pruned(ILogger logger, string key, Guid targetId);

    [LoggerMessage(EventId = 7409, Level = LogLevel.Warning, Message = "Retention could not remove archive {Key} of target {TargetId}")]
    public static partial void PruneFailed(ILogger logger, string key, Guid targetId, Exception exception);

    [LoggerMessage(EventId = 7410, Level = LogLevel.Warning, Message = "The notification of backup run {RunId} could not be published")]
    public static partial void NotifyFailed(ILogger logger, Guid runId, Exception exception);

    [LoggerMessage(EventId = 7411, Level = LogLevel.Warning, Message = "The temporary dump {Path} could not be removed")]
    public static partial void TempNotRemoved(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 7412, Level = LogLevel.Information, Message = "Backup run {RunId} interrupted by a restart: {What} removed")]
    public static partial void LeftoverRemoved(ILogger logger, Guid runId, string what);

    [LoggerMessage(EventId = 7413, Level = LogLevel.Warning, Message = "Backup run {RunId} interrupted by a restart: cleaning up {What} failed; remove it by hand (see docs/decisions/backups.md#crash-recovery)")]
    public static partial void LeftoverCleanupFailed(ILogger logger, Guid runId, string what, Exception exception);
}
