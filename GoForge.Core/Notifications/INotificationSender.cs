namespace GoForge.Core.Notifications;

/// <summary>Delivers one notification through one kind of channel (an HTTP webhook, Slack, Discord, SMTP).</summary>
public interface INotificationSender
{
    ChannelKind Kind { get; }

    /// <summary>Sends or throws <see cref="NotificationSendException"/> with a message safe to show (no secret in it).</summary>
    Task SendAsync(ClaimedDelivery delivery, CancellationToken ct);
}

/// <summary>A send that failed; the message is shown in the delivery log, so it never contains a secret.</summary>
public sealed class NotificationSendException : Exception
{
    public NotificationSendException(string message)
        : base(message)
    {
    }

    public NotificationSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NotificationSendException()
    {
    }
}
