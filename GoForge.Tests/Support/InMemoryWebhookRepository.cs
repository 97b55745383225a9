using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;

namespace GoForge.Tests.Support;

/// <summary>Webhook secrets and deliveries in memory, for component tests whose pages show the Webhooks tab; the SQL semantics are tested on PostgreSQL.</summary>
internal sealed class InMemoryWebhookRepository : IWebhookRepository
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, (string Secret, DateTimeOffset CreatedAt)> _secrets = [];

    public Task<string?> GetSecretAsync(Guid applicationId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_secrets.TryGetValue(applicationId, out var s) ? s.Secret : null);
        }
    }

    public Task<DateTimeOffset?> GetSecretCreatedAtAsync(Guid applicationId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_secrets.TryGetValue(applicationId, out var s) ? s.CreatedAt : (DateTimeOffset?)null);
        }
    }

    public Task SetSecretAsync(Guid applicationId, string secret, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_gate)
        {
            _secrets[applicationId] = (secret, now);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WebhookTarget>> ListTargetsAsync(CancellationToken ct = default) =>
        throw new NotSupportedException("Receiving webhooks is tested on PostgreSQL.");

    public Task<WebhookRecording> RecordAsync(WebhookDelivery delivery, DateTimeOffset staleBefore, DeploymentQueueing? queue, CancellationToken ct = default) =>
        throw new NotSupportedException("Receiving webhooks is tested on PostgreSQL.");

    public Task<WebhookDelivery> RecordRejectedAsync(WebhookDelivery delivery, CancellationToken ct = default) =>
        throw new NotSupportedException("Receiving webhooks is tested on PostgreSQL.");

    // Nothing is received here, so nothing was delivered.
    public Task<IReadOnlyList<WebhookDelivery>> ListRecentAsync(Guid applicationId, int count, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<WebhookDelivery>>([]);
}
