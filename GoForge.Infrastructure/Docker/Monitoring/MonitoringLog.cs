using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>Monitoring adapter logs. Ids are shortened to 12 characters (<see cref="ShortId"/>).</summary>
internal static partial class MonitoringLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Debug, Message = "Stats stream of container {ContainerId} ended: {Reason}")]
    public static partial void StatsStreamEnded(this ILogger logger, ShortId containerId, string reason);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Stats stream of container {ContainerId} failed: {Error}")]
    public static partial void StatsStreamFailed(this ILogger logger, ShortId containerId, string error);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Debug, Message = "Log stream of container {ContainerId} ended: {Reason}")]
    public static partial void LogStreamEnded(this ILogger logger, ShortId containerId, string reason);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Warning, Message = "Log stream of container {ContainerId} failed: {Error}")]
    public static partial void LogStreamFailed(this ILogger logger, ShortId containerId, string error);

    [LoggerMessage(EventId = 1420, Level = LogLevel.Information, Message = "Engine events stream ended")]
    public static partial void EventStreamEnded(this ILogger logger);

    [LoggerMessage(EventId = 1421, Level = LogLevel.Warning, Message = "Engine events stream failed: {Error}")]
    public static partial void EventStreamFailed(this ILogger logger, string error);

    [LoggerMessage(EventId = 1430, Level = LogLevel.Information, Message = "Pruned image {ImageId} ({Layers} layers deleted)")]
    public static partial void ImagePruned(this ILogger logger, ShortId imageId, int layers);

    [LoggerMessage(EventId = 1431, Level = LogLevel.Information, Message = "Pruned stopped container {ContainerId}")]
    public static partial void ContainerPruned(this ILogger logger, ShortId containerId);

    [LoggerMessage(EventId = 1432, Level = LogLevel.Information, Message = "Pruned build cache record {RecordId} ({Bytes} bytes)")]
    public static partial void BuildCachePruned(this ILogger logger, ShortId recordId, long bytes);

    [LoggerMessage(EventId = 1433, Level = LogLevel.Information, Message = "Prune left {ItemId} alone: {Reason}")]
    public static partial void PruneSkipped(this ILogger logger, ShortId itemId, string reason);
}
