using Dapper;
using GoForge.Core.Auditing;
using Npgsql;

namespace GoForge.Infrastructure.Auditing;

internal sealed partial class AuditLogRepository(NpgsqlDataSource dataSource) : IAuditLog
{
    /// <summary>The columns an event is inserted into and the parameters (an <see cref="AuditEvent"/>'s properties) that fill them, for statements that record an event beside other changes.</summary>
    internal const string InsertColumns = "occurred_at, actor_user_id, action, target, client_address, detail, project_id";

    /// <inheritdoc cref="InsertColumns"/>
    internal const string InsertValues = "@OccurredAt, @ActorUserId, @Action, @Target, @ClientAddress, @Detail, @ProjectId";

    public async Task RecordAsync(AuditEvent auditEvent, CancellationToken ct = default)
    {
        // An event without a project whose target names an application or service by id (the reconciler's, the
        // runtime's: application:<id>, service:<id>) belongs to that one's project while it exists: the rule 0026's
        // backfill proves, applied as the event is written (docs/decisions/audit-log.md). Ids are never reused.
        const string sql = $"""
            INSERT INTO audit_events ({InsertColumns}, actor_token_id)
            VALUES (@OccurredAt, @ActorUserId, @Action, @Target, @ClientAddress, @Detail,
                    COALESCE(@ProjectId,
                             (SELECT project_id FROM applications WHERE id = @SubjectApplicationId),
                             (SELECT project_id FROM service_instances WHERE id = @SubjectServiceId)),
                    @ActorTokenId)
            """;
        ArgumentNullException.ThrowIfNull(auditEvent);
        var parameters = new DynamicParameters(auditEvent);
        parameters.Add("SubjectApplicationId", auditEvent.ProjectId is null ? SubjectId(auditEvent.Target, "application:") : null, System.Data.DbType.Guid);
        parameters.Add("SubjectServiceId", auditEvent.ProjectId is null ? SubjectId(auditEvent.Target, "service:") : null, System.Data.DbType.Guid);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }

    private static Guid? SubjectId(string? target, string prefix) =>
        target is not null && target.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParseExact(target.AsSpan(prefix.Length), "D", out var id) ? id : null;

    public async Task<IReadOnlyList<AuditEvent>> ListRecentAsync(int count, CancellationToken ct = default)
    {
        const string sql = """
            SELECT id, occurred_at, actor_user_id, actor_token_id, action, target, client_address, detail, project_id
            FROM audit_events ORDER BY id DESC LIMIT @count
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<AuditEvent>(new CommandDefinition(sql, new { count = Math.Clamp(count, 1, 1000) }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<AuditEvent>> ListBeforeAsync(long? beforeId, int count, CancellationToken ct = default)
    {
        // The primary key's index serves both the seek and the order.
        const string sql = """
            SELECT id, occurred_at, actor_user_id, actor_token_id, action, target, client_address, detail, project_id
            FROM audit_events WHERE (@beforeId::bigint IS NULL OR id < @beforeId) ORDER BY id DESC LIMIT @count
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<AuditEvent>(new CommandDefinition(sql, new { beforeId, count = Math.Clamp(count, 1, 1000) }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<AuditEvent>> ListByTargetAsync(string target, int count, CancellationToken ct = default)
    {
        // audit_events_target_idx (target, id DESC) serves the filter and the order.
        const string sql = """
            SELECT id, occurred_at, actor_user_id, actor_token_id, action, target, client_address, detail, project_id
            FROM audit_events WHERE target = @target ORDER BY id DESC LIMIT @count
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<AuditEvent>(new CommandDefinition(sql, new { target, count = Math.Clamp(count, 1, 1000) }, cancellationToken: ct))).AsList();
    }
}
