using Dapper;
using GoForge.Core.Notifications;
using GoForge.Core.Secrets;
using Npgsql;

namespace GoForge.Infrastructure.Notifications;

/// <summary>
/// The delivery queue in PostgreSQL: one row per event and channel. Queueing locks the target channels' rows, so the
/// rate limit's counts are exact when several panels publish at once; claiming takes due rows oldest first with
/// <c>FOR UPDATE SKIP LOCKED</c>, so two dispatchers never send the same row.
/// </summary>
internal sealed class NotificationQueueRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : INotificationDeliveries, INotificationHistory
{
    public async Task<int> EnqueueAsync(Guid eventId, NotificationEvent notification, RateLimit limit, DateTimeOffset now, Guid? onlyChannel = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(limit);
        const string insertEvent = """
            INSERT INTO notification_events (id, kind, project_id, subject, title, message, facts, link, occurred_at)
            VALUES (@eventId, @kind, @ProjectId, @Subject, @Title, @Message, @facts::jsonb, @link, @OccurredAt)
            """;
        // Project events go to the project's channels and the admin-wide ones; panel events (no project) to admin-wide ones only.
        const string subscribed = """
            SELECT c.id FROM notification_channels c
            JOIN notification_subscriptions s ON s.channel_id = c.id AND s.kind = @kind
            WHERE c.project_id IS NULL OR c.project_id = @projectId
            ORDER BY c.id
            FOR UPDATE OF c
            """;
        const string one = "SELECT id FROM notification_channels WHERE id = @onlyChannel FOR UPDATE";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var kind = notification.Kind.ToString();
        await conn.ExecuteAsync(new CommandDefinition(insertEvent, new
        {
            eventId,
            kind,
            notification.ProjectId,
            notification.Subject,
            notification.Title,
            notification.Message,
            facts = NotificationJson.Serialize(notification.Facts),
            link = notification.Link?.AbsoluteUri,
            notification.OccurredAt,
        }, tx, cancellationToken: ct));
        var channels = onlyChannel is null
            ? await conn.QueryAsync<Guid>(new CommandDefinition(subscribed, new { kind, projectId = notification.ProjectId }, tx, cancellationToken: ct))
            : await conn.QueryAsync<Guid>(new CommandDefinition(one, new { onlyChannel }, tx, cancellationToken: ct));
        var pending = 0;
        foreach (var channelId in channels.AsList())
        {
            if (await InsertDeliveryAsync(conn, tx, eventId, channelId, kind, notification.Subject, limit, now, ct))
            {
                pending++;
            }
        }

        await tx.CommitAsync(ct);
        return pending;
    }

    /// <summary>Inserts the delivery, pending or (over the limit) suppressed; true when pending.</summary>
    private static async Task<bool> InsertDeliveryAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, Guid eventId, Guid channelId, string kind, Guid subject, RateLimit limit, DateTimeOffset now, CancellationToken ct)
    {
        // Counted over the window: what was let through (any status but suppressed), per subject and per channel; and
        // the suppressed rows of this stream since the last one let through, which the next delivered row reports.
        const string counts = """
            SELECT count(*) FILTER (WHERE status <> 'suppressed' AND kind = @kind AND subject = @subject)::int AS per_subject,
                   count(*) FILTER (WHERE status <> 'suppressed')::int AS per_channel,
                   (SELECT count(*)::int FROM notification_deliveries x
                    WHERE x.channel_id = @channelId AND x.kind = @kind AND x.subject = @subject AND x.status = 'suppressed'
                      AND x.created_at > COALESCE((SELECT max(y.created_at) FROM notification_deliveries y
                                                   WHERE y.channel_id = @channelId AND y.kind = @kind AND y.subject = @subject AND y.status <> 'suppressed'),
                                                  '-infinity'::timestamptz)) AS suppressed
            FROM notification_deliveries
            WHERE channel_id = @channelId AND created_at > @since
            """;
        const string insert = """
            INSERT INTO notification_deliveries (id, event_id, channel_id, kind, subject, status, next_attempt_at, suppressed_before, created_at)
            VALUES (@id, @eventId, @channelId, @kind, @subject, @status, @now, @suppressedBefore, @now)
            """;
        var seen = await conn.QuerySingleAsync<(int PerSubject, int PerChannel, int Suppressed)>(
            new CommandDefinition(counts, new { channelId, kind, subject, since = now - limit.Window }, tx, cancellationToken: ct));
        var allowed = seen.PerSubject < limit.PerSubject && seen.PerChannel < limit.PerChannel;
        await conn.ExecuteAsync(new CommandDefinition(insert, new
        {
            id = Guid.NewGuid(),
            eventId,
            channelId,
            kind,
            subject,
            status = (allowed ? DeliveryStatus.Pending : DeliveryStatus.Suppressed).ToDb(),
            now,
            suppressedBefore = allowed ? seen.Suppressed : 0,
        }, tx, cancellationToken: ct));
        return allowed;
    }

    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int limit, TimeSpan lease, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = $"""
            WITH claimed AS (
                UPDATE notification_deliveries d SET status = 'sending', claimed_at = @now, attempts = d.attempts + 1
                WHERE d.id IN (SELECT q.id FROM notification_deliveries q
                               WHERE (q.status = 'pending' AND q.next_attempt_at <= @now)
                                  OR (q.status = 'sending' AND q.claimed_at < @staleBefore)
                               ORDER BY q.next_attempt_at, q.id
                               LIMIT @limit
                               FOR UPDATE SKIP LOCKED)
                RETURNING d.id, d.attempts, d.channel_id, d.event_id, d.suppressed_before)
            SELECT cl.id AS delivery_id, cl.attempts, cl.suppressed_before, cl.event_id,
                   e.kind AS event_kind, e.project_id AS event_project_id, e.subject, e.title, e.message, e.facts::text AS facts, e.link, e.occurred_at,
                   {NotificationChannelRepository.Columns}
            FROM claimed cl
            JOIN notification_events e ON e.id = cl.event_id
            JOIN notification_channels c ON c.id = cl.channel_id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync(new CommandDefinition(sql, new { now, staleBefore = now - lease, limit = Math.Clamp(limit, 1, 100) }, cancellationToken: ct));
        return rows.Select(r => ToClaimed((IDictionary<string, object?>)r)).ToList();
    }

    private ClaimedDelivery ToClaimed(IDictionary<string, object?> r)
    {
        static DateTimeOffset Utc(object? value) => new(DateTime.SpecifyKind((DateTime)value!, DateTimeKind.Utc));
        var channelRow = new NotificationChannelRepository.ChannelRow
        {
            Id = (Guid)r["id"]!,
            ProjectId = r["project_id"] as Guid?,
            Kind = (string)r["kind"]!,
            Name = (string)r["name"]!,
            Settings = (string)r["settings"]!,
            SecretsKeyId = (string)r["secrets_key_id"]!,
            SecretsCiphertext = (byte[])r["secrets_ciphertext"]!,
            CreatedAt = Utc(r["created_at"]),
            UpdatedAt = Utc(r["updated_at"]),
            Subscriptions = (string[])r["subscriptions"]!,
        };
        var notification = new NotificationEvent(
            NotificationJson.ToKind((string)r["event_kind"]!),
            r["event_project_id"] as Guid?,
            (Guid)r["subject"]!,
            (string)r["title"]!,
            (string)r["message"]!,
            NotificationJson.Deserialize<Dictionary<string, string>>((string)r["facts"]!),
            Utc(r["occurred_at"]),
            r["link"] is string link ? new Uri(link) : null);
        return new ClaimedDelivery(
            (Guid)r["delivery_id"]!,
            (int)r["attempts"]!,
            channelRow.ToChannel(protector),
            channelRow.Secrets(protector),
            (Guid)r["event_id"]!,
            notification,
            (int)r["suppressed_before"]!);
    }

    public async Task MarkDeliveredAsync(Guid id, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE notification_deliveries SET status = 'delivered', delivered_at = @now, claimed_at = NULL, last_error = NULL WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, now }, cancellationToken: ct));
    }

    public async Task MarkAttemptFailedAsync(Guid id, string error, DateTimeOffset? retryAt, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE notification_deliveries
            SET status = CASE WHEN CAST(@retryAt AS timestamptz) IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = COALESCE(@retryAt, next_attempt_at), claimed_at = NULL, last_error = @error
            WHERE id = @id
            """;
        var bounded = error.Length > 2000 ? error[..2000] : error;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, error = bounded, retryAt }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<DeliveryLogEntry>> ListLogAsync(Guid channelId, int limit, CancellationToken ct = default)
    {
        const string sql = """
            SELECT d.id, d.kind, e.title, d.status, d.attempts, d.last_error, d.suppressed_before, d.created_at, d.delivered_at, d.next_attempt_at
            FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id
            WHERE d.channel_id = @channelId
            ORDER BY d.created_at DESC, d.id DESC
            LIMIT @limit
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<LogRow>(new CommandDefinition(sql, new { channelId, limit = Math.Clamp(limit, 1, 500) }, cancellationToken: ct));
        return rows.Select(r => new DeliveryLogEntry(
            r.Id, NotificationJson.ToKind(r.Kind), r.Title, NotificationJson.ToStatus(r.Status), r.Attempts, r.LastError, r.SuppressedBefore,
            r.CreatedAt, r.DeliveredAt, r.NextAttemptAt)).ToList();
    }

    public async Task<NotificationKind?> LastKindAsync(Guid subject, IReadOnlyCollection<NotificationKind> among, CancellationToken ct = default)
    {
        const string sql = "SELECT kind FROM notification_events WHERE subject = @subject AND kind = ANY(@kinds) ORDER BY seq DESC LIMIT 1";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var kind = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql, new { subject, kinds = among.Select(k => k.ToString()).ToArray() }, cancellationToken: ct));
        return kind is null ? null : NotificationJson.ToKind(kind);
    }

    private sealed class LogRow
    {
        public Guid Id { get; init; }

        public string Kind { get; init; } = "";

        public string Title { get; init; } = "";

        public string Status { get; init; } = "";

        public int Attempts { get; init; }

        public string? LastError { get; init; }

        public int SuppressedBefore { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? DeliveredAt { get; init; }

        public DateTimeOffset NextAttemptAt { get; init; }
    }
}
