using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Notifications;

/// <summary>
/// <see cref="INotifications"/>: bounds the event, stores it with one delivery per subscribed channel (the rate limit
/// decided in the same transaction) and wakes the dispatcher. It never throws at the publisher except when canceled:
/// a notification that cannot be queued is logged, and the deployment, backup or sign-in that caused it goes on.
/// </summary>
public sealed class NotificationPublisher(
    INotificationDeliveries queue,
    NotificationSignal signal,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationPublisher> logger) : INotifications
{
    public const int MaxFacts = 20;
    public const int MaxFactKey = 64;
    public const int MaxFactValue = 500;
    public const int MaxTitle = 200;
    public const int MaxMessage = 4000;

    public async Task PublishAsync(NotificationEvent notification, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        await EnqueueAsync(notification, null, ct);
    }

    /// <summary>Queues the event for one channel only (the channel's "send test"), rate limit applied as for any event.</summary>
    internal Task<int> PublishToAsync(Guid channelId, NotificationEvent notification, CancellationToken ct) =>
        EnqueueAsync(notification, channelId, ct);

    private async Task<int> EnqueueAsync(NotificationEvent notification, Guid? onlyChannel, CancellationToken ct)
    {
        try
        {
            var pending = await queue.EnqueueAsync(Guid.NewGuid(), Bounded(notification), options.Value.RateLimit, time.GetUtcNow(), onlyChannel, ct);
            if (pending > 0)
            {
                logger.Queued(notification.Kind, notification.Subject, pending);
                signal.Wake();
            }
            else
            {
                // Most events of an installation without channels: not worth an information line each.
                logger.QueuedForNone(notification.Kind, notification.Subject);
            }

            return pending;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.QueueFailed(notification.Kind, notification.Subject, e);
            return 0;
        }
    }

    /// <summary>The event cut to what the queue stores and every receiver accepts: titles, messages and facts bounded, no control characters.</summary>
    public static NotificationEvent Bounded(NotificationEvent notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in notification.Facts ?? new Dictionary<string, string>())
        {
            if (facts.Count == MaxFacts)
            {
                break;
            }

            var k = Clean(key, MaxFactKey, keepNewLines: false);
            if (k.Length > 0)
            {
                facts.TryAdd(k, Clean(value, MaxFactValue, keepNewLines: false));
            }
        }

        var title = Clean(notification.Title, MaxTitle, keepNewLines: false);
        return notification with
        {
            Title = title.Length == 0 ? notification.Kind.ToString() : title,
            Message = Clean(notification.Message, MaxMessage, keepNewLines: true),
            Facts = facts,
            Link = notification.Link is { IsAbsoluteUri: true, Scheme: "http" or "https" } link && link.OriginalString.Length <= 2000 ? link : null,
        };
    }

    private static string Clean(string? value, int max, bool keepNewLines)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var chars = value.Where(c => !char.IsControl(c) || (keepNewLines && c == '\n')).ToArray();
        var text = new string(chars).Trim();
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }
}
