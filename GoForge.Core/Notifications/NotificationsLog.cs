using Microsoft.Extensions.Logging;

namespace GoForge.Core.Notifications;

/// <summary>Notification log messages (EventIds 7480–7499 here; 7500–7519 in Infrastructure). Ids and kinds, never a secret.</summary>
internal static partial class NotificationsLog
{
    [LoggerMessage(EventId = 7480, Level = LogLevel.Information, Message = "Notification {Kind} about {Subject} queued for {Pending} channel(s)")]
    public static partial void Queued(this ILogger logger, NotificationKind kind, Guid subject, int pending);

    [LoggerMessage(EventId = 7487, Level = LogLevel.Debug, Message = "Notification {Kind} about {Subject}: no channel takes it")]
    public static partial void QueuedForNone(this ILogger logger, NotificationKind kind, Guid subject);

    [LoggerMessage(EventId = 7481, Level = LogLevel.Error, Message = "Notification {Kind} about {Subject} could not be queued; it is lost")]
    public static partial void QueueFailed(this ILogger logger, NotificationKind kind, Guid subject, Exception exception);

    [LoggerMessage(EventId = 7482, Level = LogLevel.Information, Message = "Notification delivery {DeliveryId} to channel {ChannelId} delivered (attempt {Attempt})")]
    public static partial void Delivered(this ILogger logger, Guid deliveryId, Guid channelId, int attempt);

    [LoggerMessage(EventId = 7483, Level = LogLevel.Warning, Message = "Notification delivery {DeliveryId} to channel {ChannelId} failed (attempt {Attempt}); retry at {RetryAt}: {Error}")]
    public static partial void WillRetry(this ILogger logger, Guid deliveryId, Guid channelId, int attempt, DateTimeOffset retryAt, string error);

    [LoggerMessage(EventId = 7484, Level = LogLevel.Error, Message = "Notification delivery {DeliveryId} to channel {ChannelId} failed for good after {Attempt} attempt(s): {Error}")]
    public static partial void GaveUp(this ILogger logger, Guid deliveryId, Guid channelId, int attempt, string error);

    [LoggerMessage(EventId = 7485, Level = LogLevel.Error, Message = "The notification dispatcher's pass failed; it carries on")]
    public static partial void PassFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7486, Level = LogLevel.Warning, Message = "Notifications about {Kind} could not be prepared for {Subject}; none was queued")]
    public static partial void SourceFailed(this ILogger logger, NotificationKind kind, Guid subject, Exception exception);
}
