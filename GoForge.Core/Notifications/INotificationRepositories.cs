namespace GoForge.Core.Notifications;

/// <summary>Channels and their subscriptions; secrets in and out in plain text, encrypted by the implementation.</summary>
public interface INotificationChannelRepository
{
    Task CreateAsync(NotificationChannel channel, ChannelSecrets secrets, CancellationToken ct = default);

    /// <summary>Replaces name, settings and subscriptions; the secrets only when <paramref name="secrets"/> is not null. False when it is gone.</summary>
    Task<bool> UpdateAsync(NotificationChannel channel, ChannelSecrets? secrets, CancellationToken ct = default);

    Task<NotificationChannel?> GetAsync(Guid id, CancellationToken ct = default);

    Task<ChannelSecrets?> GetSecretsAsync(Guid id, CancellationToken ct = default);

    /// <summary>The project's channels, or the admin-wide ones when <paramref name="projectId"/> is null.</summary>
    Task<IReadOnlyList<NotificationChannel>> ListAsync(Guid? projectId, CancellationToken ct = default);

    Task<bool> DeleteAsync(Guid id, CancellationToken ct = default);
}

/// <summary>The rate limit applied when an event is queued (see <see cref="NotificationOptions"/>).</summary>
public sealed record RateLimit(TimeSpan Window, int PerSubject, int PerChannel);

/// <summary>The durable delivery queue (one row per event and channel).</summary>
public interface INotificationDeliveries
{
    /// <summary>
    /// Stores the event and one delivery per subscribed channel (or only <paramref name="onlyChannel"/>, for a test),
    /// each pending or, over <paramref name="limit"/>, suppressed; returns how many rows are pending.
    /// </summary>
    Task<int> EnqueueAsync(Guid eventId, NotificationEvent notification, RateLimit limit, DateTimeOffset now, Guid? onlyChannel = null, CancellationToken ct = default);

    /// <summary>Takes up to <paramref name="limit"/> due rows (pending, or sending with a claim older than <paramref name="lease"/>) and marks them sending.</summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int limit, TimeSpan lease, DateTimeOffset now, CancellationToken ct = default);

    Task MarkDeliveredAsync(Guid id, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Records the error; pending again at <paramref name="retryAt"/>, or failed for good when it is null.</summary>
    Task MarkAttemptFailedAsync(Guid id, string error, DateTimeOffset? retryAt, CancellationToken ct = default);

    Task<IReadOnlyList<DeliveryLogEntry>> ListLogAsync(Guid channelId, int limit, CancellationToken ct = default);
}

/// <summary>Where each admin has signed in from.</summary>
public interface IKnownAddressRepository
{
    /// <summary>Remembers the address; true when it was new for a user who had signed in before (the first address ever is known).</summary>
    Task<bool> RememberAsync(Guid userId, string address, DateTimeOffset now, CancellationToken ct = default);
}

/// <summary>What was last published about a subject (every published event is kept, subscribed or not).</summary>
public interface INotificationHistory
{
    /// <summary>The kind of the latest event about <paramref name="subject"/> among <paramref name="among"/>, or null when there was none.</summary>
    Task<NotificationKind?> LastKindAsync(Guid subject, IReadOnlyCollection<NotificationKind> among, CancellationToken ct = default);
}
