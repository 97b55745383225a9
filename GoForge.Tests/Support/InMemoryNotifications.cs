using GoForge.Core.Notifications;

namespace GoForge.Tests.Support;

/// <summary>
/// The notification stores for component tests over in-memory projects: no channel exists, so nothing is queued.
/// Notifications themselves are tested on PostgreSQL (<c>Notifications/NotificationDeliveryTests</c>).
/// </summary>
internal sealed class InMemoryNotifications : INotificationChannelRepository, INotificationDeliveries, INotificationHistory, IKnownAddressRepository
{
    public Task CreateAsync(NotificationChannel channel, ChannelSecrets secrets, CancellationToken ct = default) => Task.CompletedTask;

    public Task<bool> UpdateAsync(NotificationChannel channel, ChannelSecrets? secrets, CancellationToken ct = default) => Task.FromResult(false);

    public Task<NotificationChannel?> GetAsync(Guid id, CancellationToken ct = default) => Task.FromResult<NotificationChannel?>(null);

    public Task<ChannelSecrets?> GetSecretsAsync(Guid id, CancellationToken ct = default) => Task.FromResult<ChannelSecrets?>(null);

    public Task<IReadOnlyList<NotificationChannel>> ListAsync(Guid? projectId, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<NotificationChannel>>([]);

    public Task<bool> DeleteAsync(Guid id, CancellationToken ct = default) => Task.FromResult(false);

    public Task<int> EnqueueAsync(Guid eventId, NotificationEvent notification, RateLimit limit, DateTimeOffset now, Guid? onlyChannel = null, CancellationToken ct = default) => Task.FromResult(0);

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int limit, TimeSpan lease, DateTimeOffset now, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<ClaimedDelivery>>([]);

    public Task MarkDeliveredAsync(Guid id, DateTimeOffset now, CancellationToken ct = default) => Task.CompletedTask;

    public Task MarkAttemptFailedAsync(Guid id, string error, DateTimeOffset? retryAt, CancellationToken ct = default) => Task.CompletedTask;

    public Task<IReadOnlyList<DeliveryLogEntry>> ListLogAsync(Guid channelId, int limit, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<DeliveryLogEntry>>([]);

    public Task<NotificationKind?> LastKindAsync(Guid subject, IReadOnlyCollection<NotificationKind> among, CancellationToken ct = default) => Task.FromResult<NotificationKind?>(null);

    public Task<bool> RememberAsync(Guid userId, string address, DateTimeOffset now, CancellationToken ct = default) => Task.FromResult(false);
}
