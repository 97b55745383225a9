using Dapper;
using GoForge.Core.Notifications;
using GoForge.Core.Secrets;
using Npgsql;

namespace GoForge.Infrastructure.Notifications;

/// <summary>
/// Notification channels and their subscriptions. The secrets (one JSON document) are encrypted here, at the
/// repository boundary, bound to the channel's id; the table never holds them in plain text.
/// </summary>
internal sealed class NotificationChannelRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : INotificationChannelRepository
{
    internal const string Columns = """
        c.id, c.project_id, c.kind, c.name, c.settings::text AS settings, c.secrets_key_id, c.secrets_ciphertext, c.created_at, c.updated_at,
        COALESCE((SELECT array_agg(s.kind ORDER BY s.kind) FROM notification_subscriptions s WHERE s.channel_id = c.id), '{}') AS subscriptions
        """;

    public async Task CreateAsync(NotificationChannel channel, ChannelSecrets secrets, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        const string sql = """
            INSERT INTO notification_channels (id, project_id, kind, name, settings, secrets_key_id, secrets_ciphertext, created_at, updated_at)
            VALUES (@Id, @ProjectId, @kind, @Name, @settings::jsonb, @keyId, @ciphertext, @CreatedAt, @UpdatedAt)
            """;
        var secret = Protect(secrets, channel.Id);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            channel.Id,
            channel.ProjectId,
            kind = channel.Kind.ToDb(),
            channel.Name,
            settings = NotificationJson.Serialize(channel.Settings),
            keyId = secret.KeyId,
            ciphertext = secret.Ciphertext,
            channel.CreatedAt,
            channel.UpdatedAt,
        }, tx, cancellationToken: ct));
        await ReplaceSubscriptionsAsync(conn, tx, channel, ct);
        await tx.CommitAsync(ct);
    }

    public async Task<bool> UpdateAsync(NotificationChannel channel, ChannelSecrets? secrets, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        const string sql = """
            UPDATE notification_channels SET name = @Name, settings = @settings::jsonb, updated_at = @UpdatedAt,
                secrets_key_id = COALESCE(@keyId, secrets_key_id), secrets_ciphertext = COALESCE(@ciphertext, secrets_ciphertext)
            WHERE id = @Id
            """;
        var secret = secrets is null ? null : Protect(secrets, channel.Id);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var updated = await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            channel.Id,
            channel.Name,
            settings = NotificationJson.Serialize(channel.Settings),
            channel.UpdatedAt,
            keyId = secret?.KeyId,
            ciphertext = secret?.Ciphertext,
        }, tx, cancellationToken: ct)) == 1;
        if (updated)
        {
            await ReplaceSubscriptionsAsync(conn, tx, channel, ct);
        }

        await tx.CommitAsync(ct);
        return updated;
    }

    public async Task<NotificationChannel?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM notification_channels c WHERE c.id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<ChannelRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row?.ToChannel(protector);
    }

    public async Task<ChannelSecrets?> GetSecretsAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM notification_channels c WHERE c.id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<ChannelRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row?.Secrets(protector);
    }

    public async Task<IReadOnlyList<NotificationChannel>> ListAsync(Guid? projectId, CancellationToken ct = default)
    {
        const string sql = $"""
            SELECT {Columns} FROM notification_channels c
            WHERE c.project_id IS NOT DISTINCT FROM @projectId
            ORDER BY c.name, c.id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<ChannelRow>(new CommandDefinition(sql, new { projectId }, cancellationToken: ct));
        return rows.Select(r => r.ToChannel(protector)).ToList();
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM notification_channels WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct)) == 1;
    }

    private static async Task ReplaceSubscriptionsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NotificationChannel channel, CancellationToken ct)
    {
        const string delete = "DELETE FROM notification_subscriptions WHERE channel_id = @Id";
        const string insert = "INSERT INTO notification_subscriptions (channel_id, kind) SELECT @Id, unnest(@kinds)";
        await conn.ExecuteAsync(new CommandDefinition(delete, new { channel.Id }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(insert, new { channel.Id, kinds = channel.Subscriptions.Select(k => k.ToString()).ToArray() }, tx, cancellationToken: ct));
    }

    private ProtectedValue Protect(ChannelSecrets secrets, Guid channelId) =>
        protector.Protect(NotificationJson.Serialize(secrets), channelId);

    internal sealed class ChannelRow
    {
        public Guid Id { get; init; }

        public Guid? ProjectId { get; init; }

        public string Kind { get; init; } = "";

        public string Name { get; init; } = "";

        public string Settings { get; init; } = "";

        public string SecretsKeyId { get; init; } = "";

        public byte[] SecretsCiphertext { get; init; } = [];

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public string[] Subscriptions { get; init; } = [];

        public ChannelSecrets Secrets(ISecretProtector protector) =>
            NotificationJson.Deserialize<ChannelSecrets>(protector.Unprotect(new ProtectedValue(SecretsKeyId, SecretsCiphertext), Id));

        public NotificationChannel ToChannel(ISecretProtector protector)
        {
            var kind = NotificationJson.ToChannelKind(Kind);
            return new NotificationChannel
            {
                Id = Id,
                ProjectId = ProjectId,
                Kind = kind,
                Name = Name,
                Settings = NotificationJson.Deserialize<ChannelSettings>(Settings),
                MaskedSecret = ChannelRules.MaskOf(kind, Secrets(protector)),
                Subscriptions = Subscriptions.Where(s => Enum.TryParse<NotificationKind>(s, out _)).Select(NotificationJson.ToKind).ToHashSet(),
                CreatedAt = CreatedAt,
                UpdatedAt = UpdatedAt,
            };
        }
    }
}
