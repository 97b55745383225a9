using System.Text;
using Dapper;
using GoForge.Core.Auditing;

namespace GoForge.Infrastructure.Auditing;

/// <summary>The audit log's filtered read (docs/decisions/audit-log.md): the page, the API and the CSV export.</summary>
internal sealed partial class AuditLogRepository : IAuditLogReader
{
    // Only these constant fragments are ever joined into the statement; every value is a parameter. The seek
    // (id < @beforeId) and ORDER BY id DESC make keyset pages that never repeat or skip an event however many are
    // recorded meanwhile; audit_events_project_idx and audit_events_actor_idx (project_id / actor_user_id, id DESC)
    // serve the project and actor filters, the primary key the rest.
    private const string QuerySelect = """
        SELECT e.id, e.occurred_at, e.actor_user_id, e.action, e.target, e.client_address, e.detail, e.project_id,
               u.login AS actor_login, p.name AS project_name, e.actor_token_id
        FROM audit_events e
        LEFT JOIN users u ON u.id = e.actor_user_id
        LEFT JOIN projects p ON p.id = e.project_id
        WHERE true
        """;

    private const string QueryOrder = "\nORDER BY e.id DESC LIMIT @limit";

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.ProjectIds is { Count: 0 })
        {
            return [];
        }

        var sql = new StringBuilder(QuerySelect);
        var parameters = new DynamicParameters();
        parameters.Add("limit", Math.Clamp(query.Limit, 1, 1001));
        if (query.BeforeId is { } beforeId)
        {
            sql.Append("\n  AND e.id < @beforeId");
            parameters.Add("beforeId", beforeId);
        }

        if (query.ProjectIds is { } projectIds)
        {
            sql.Append(projectIds.Count == 1 ? "\n  AND e.project_id = @projectId" : "\n  AND e.project_id = ANY(@projectIds)");
            parameters.Add("projectId", projectIds[0]);
            parameters.Add("projectIds", projectIds.ToArray());
        }

        if (query.ActorUserId is { } actorUserId)
        {
            sql.Append("\n  AND e.actor_user_id = @actorUserId");
            parameters.Add("actorUserId", actorUserId);
        }

        if (query.Action is { } action)
        {
            sql.Append("\n  AND e.action = @action");
            parameters.Add("action", action);
        }

        if (query.ActionPrefix is { } prefix)
        {
            // starts_with, not LIKE: '_' in an action is a letter, not a wildcard.
            sql.Append("\n  AND starts_with(e.action, @actionPrefix)");
            parameters.Add("actionPrefix", prefix);
        }

        if (query.From is { } from)
        {
            sql.Append("\n  AND e.occurred_at >= @from");
            parameters.Add("from", from);
        }

        if (query.To is { } to)
        {
            sql.Append("\n  AND e.occurred_at < @to");
            parameters.Add("to", to);
        }

        sql.Append(QueryOrder);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<EntryRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: ct));
        return rows.Select(r => new AuditEntry(
            new AuditEvent
            {
                Id = r.Id,
                OccurredAt = r.OccurredAt,
                ActorUserId = r.ActorUserId,
                ActorTokenId = r.ActorTokenId,
                Action = r.Action,
                Target = r.Target,
                ClientAddress = r.ClientAddress,
                Detail = r.Detail,
                ProjectId = r.ProjectId,
            },
            r.ActorLogin,
            r.ProjectName)).ToList();
    }

    private sealed record EntryRow(
        long Id, DateTimeOffset OccurredAt, Guid? ActorUserId, string Action, string? Target, string? ClientAddress, string? Detail, Guid? ProjectId,
        string? ActorLogin, string? ProjectName, Guid? ActorTokenId);
}
