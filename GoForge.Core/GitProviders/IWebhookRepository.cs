namespace GoForge.Core.GitProviders;

/// <summary>An application that accepts webhooks: it has a secret. <see cref="GitUrl"/> is matched against payloads.</summary>
public sealed record WebhookTarget(Guid ApplicationId, string GitUrl);

/// <summary>The result of claiming a delivery: this caller handles it, or it is (being) handled already.</summary>
/// <param name="Claimed">True when this call inserted the delivery or took over a non-final one; the caller must complete it.</param>
/// <param name="Delivery">The stored delivery as it is now (the earlier outcome when not claimed).</param>
public sealed record WebhookClaim(bool Claimed, WebhookDelivery Delivery);

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
    /// Inserts the delivery as <see cref="WebhookOutcome.Received"/>, or, when the same (application, provider, key)
    /// is stored already, counts a redelivery and takes it over only if its outcome is not final (rejected, failed,
    /// or a claim older than <paramref name="staleBefore"/>). Prunes the application's deliveries beyond
    /// <see cref="WebhookLimits.KeptDeliveries"/>.
    /// </summary>
    Task<WebhookClaim> ClaimAsync(WebhookDelivery delivery, DateTimeOffset staleBefore, CancellationToken ct = default);

    /// <summary>Stores a refused delivery (a final outcome of an earlier one with the same key is kept); returns the row as stored.</summary>
    Task<WebhookDelivery> RecordRejectedAsync(WebhookDelivery delivery, CancellationToken ct = default);

    /// <summary>Sets the outcome of a claimed delivery.</summary>
    Task CompleteAsync(Guid deliveryId, WebhookOutcome outcome, string? reason, Guid? deploymentId, CancellationToken ct = default);

    /// <summary>The application's deliveries, newest first.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListRecentAsync(Guid applicationId, int count, CancellationToken ct = default);
}
