using GoForge.Core.Auditing;

namespace GoForge.Tests.Support;

/// <summary>The audit log's filtered read over the in-memory store, for component tests (the SQL one is tested on PostgreSQL in AuditLogServiceTests).</summary>
internal sealed class InMemoryAuditLogReader(InMemoryProjectStore store) : IAuditLogReader
{
    public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken ct = default)
    {
        lock (store.Gate)
        {
            IReadOnlyList<AuditEntry> list = store.AuditList
                .Where(e => query.BeforeId is null || e.Id < query.BeforeId)
                .Where(e => query.ProjectIds is null || (e.ProjectId is { } p && query.ProjectIds.Contains(p)))
                .Where(e => query.ActorUserId is null || e.ActorUserId == query.ActorUserId)
                .Where(e => query.Action is null || e.Action == query.Action)
                .Where(e => query.ActionPrefix is null || e.Action.StartsWith(query.ActionPrefix, StringComparison.Ordinal))
                .Where(e => (query.From is null || e.OccurredAt >= query.From) && (query.To is null || e.OccurredAt < query.To))
                .OrderByDescending(e => e.Id)
                .Take(query.Limit)
                .Select(e => new AuditEntry(e, store.UserList.FirstOrDefault(u => u.Id == e.ActorUserId)?.Login, store.ProjectList.FirstOrDefault(p => p.Id == e.ProjectId)?.Name))
                .ToList();
            return Task.FromResult(list);
        }
    }
}
