using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Notifications;

/// <summary>
/// Delivers the queue: claims due rows (pending, or left sending by a panel that died mid-send), sends each through its
/// channel's sender with a time-out, and records the outcome: delivered, pending again after an exponential back-off,
/// or failed once the attempts are used up. Stopping cancels the sends in flight and gives their rows back.
/// </summary>
public sealed class NotificationDispatcher(
    INotificationDeliveries queue,
    IEnumerable<INotificationSender> senders,
    NotificationSignal signal,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    /// <summary>Deliveries sent at once (one claim).</summary>
    public const int BatchSize = 10;

    private readonly Dictionary<ChannelKind, INotificationSender> _senders = senders.ToDictionary(s => s.Kind);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await RunPassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.PassFailed(e);
            }

            if (claimed < BatchSize)
            {
                try
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One claim and its sends; how many rows it took.</summary>
    public async Task<int> RunPassAsync(CancellationToken ct)
    {
        var batch = await queue.ClaimAsync(BatchSize, options.Value.ClaimLease, time.GetUtcNow(), ct);
        await Task.WhenAll(batch.Select(d => DeliverAsync(d, ct)));
        return batch.Count;
    }

    private async Task DeliverAsync(ClaimedDelivery delivery, CancellationToken ct)
    {
        var settings = options.Value;
        string error;
        try
        {
            if (!_senders.TryGetValue(delivery.Channel.Kind, out var sender))
            {
                throw new NotificationSendException($"No sender for {delivery.Channel.Kind} channels.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(settings.SendTimeout);
            try
            {
                await sender.SendAsync(delivery, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new NotificationSendException($"No answer within {settings.SendTimeout.TotalSeconds:0} s.");
            }

            await queue.MarkDeliveredAsync(delivery.Id, time.GetUtcNow(), ct);
            logger.Delivered(delivery.Id, delivery.Channel.Id, delivery.Attempt);
            return;
        }
        catch (NotificationSendException e)
        {
            error = e.Message;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: give the row back at once rather than waiting out its lease.
            await queue.MarkAttemptFailedAsync(delivery.Id, "The panel stopped during the send.", time.GetUtcNow(), CancellationToken.None);
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not a sender's own message: its text might carry an address with a token in it, so only its type is kept.
            error = $"Unexpected {e.GetType().Name} while sending.";
        }

        DateTimeOffset? retryAt = delivery.Attempt < settings.MaxAttempts ? time.GetUtcNow() + settings.BackoffAfter(delivery.Attempt) : null;
        await queue.MarkAttemptFailedAsync(delivery.Id, error, retryAt, ct);
        if (retryAt is { } at)
        {
            logger.WillRetry(delivery.Id, delivery.Channel.Id, delivery.Attempt, at, error);
        }
        else
        {
            logger.GaveUp(delivery.Id, delivery.Channel.Id, delivery.Attempt, error);
        }
    }
}
