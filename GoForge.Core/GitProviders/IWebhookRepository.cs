using GoForge.Core.Deployments;

namespace GoForge.Core.GitProviders;

/// <summary>An application that accepts webhooks: it has a secret. <see cref="GitUrl"/> is matched against payloads.</summary>
public sealed record WebhookTarget(Guid ApplicationId, string GitUrl);

/// <summary>What <see cref="IWebhookRepository.RecordAsync"/> did with a delivery.</summary>
/// <param name="Claimed">True when this call inserted the delivery or took over a non-final one: its outcome (and deployment) are the ones given.</param>
/// <param name="Delivery">The stored delivery as it is now (the earlier outcome when not claimed).</param>
/// <param name="Queued">The deployment queued with the delivery and the ones it superseded; null when nothing was queued.</param>
public sealed record WebhookRecording(bool Claimed, WebhookDelivery Delivery, QueuedDeployment? Queued);

/// <summary>Webhook secrets (encrypted at rest by the implementation) and the record of deliveries.</summary>
public interface IWebhookRepository
{
    /// <summary>The application's secret in plain text, or null when it has none.</summary>
    Task<string?> GetSecretAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>When the application's secret was made, or null when it has none.</summary>
    Task<DateTimeOffset?> GetSecretCreatedAtAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>Stores (or replaces) the application's secret.</summary>
    Task SetSecretAsync(Guid applicationId, string secret, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Every application with a secret.</summary>
    Task<IReadOnlyList<WebhookTarget>> ListTargetsAsync(CancellationToken ct = default);

    /// <summary>
    /// Records an authentic delivery with its outcome, in one transaction and one round trip. Inserts the delivery
    /// with its <see cref="WebhookDelivery.Outcome"/> and reason, or, when the same (application, provider, key) is
    /// stored already, counts a redelivery and takes it over only if its outcome is not final (rejected, failed, or
    /// <see cref="WebhookOutcome.Received"/> older than <paramref name="staleBefore"/>). Only when this call inserted
    /// or took over the delivery does it queue <paramref name="queue"/> (superseding older pending deployments as
    /// <see cref="IDeploymentRepository.QueueAsync"/> does), record its audit event and link the deployment to the
    /// delivery. Prunes the application's deliveries beyond <see cref="WebhookLimits.KeptDeliveries"/>.
    /// </summary>
    Task<WebhookRecording> RecordAsync(WebhookDelivery delivery, DateTimeOffset staleBefore, DeploymentQueueing? queue, CancellationToken ct = default);

    /// <summary>Stores a refused delivery (a final outcome of an earlier one with the same key is kept); returns the row as stored.</summary>
    Task<WebhookDelivery> RecordRejectedAsync(WebhookDelivery delivery, CancellationToken ct = default);

    /// <summary>The application's deliveries, newest first.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListRecentAsync(Guid applicationId, int count, CancellationToken ct = default);
}
