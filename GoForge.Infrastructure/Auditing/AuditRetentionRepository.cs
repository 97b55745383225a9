using Dapper;
using GoForge.Core.AuditTrail;
using Npgsql;

namespace GoForge.Infrastructure.Auditing;

/// <summary>The one row of "keep audit events for N days", and the prune's batched delete.</summary>
internal sealed class AuditRetentionRepository(NpgsqlDataSource dataSource) : IAuditRetentionRepository
{
    public async Task<AuditRetentionSetting?> GetAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT days, updated_at FROM audit_retention WHERE id = 1";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, cancellationToken: ct));
        return row is null ? null : new AuditRetentionSetting(row.Days, row.UpdatedAt);
    }

    public async Task SaveAsync(int days, Guid? updatedBy, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO audit_retention (id, days, updated_at, updated_by)
            VALUES (1, @days, @now, @updatedBy)
            ON CONFLICT (id) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { days, now, updatedBy }, cancellationToken: ct));
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct = default)
    {
        // One bounded statement: audit_events_occurred_at_idx (0001) finds the oldest rows, and only this batch's rows are
        // locked, so writers of new events never wait behind a prune of a huge table.
        const string sql = """
            DELETE FROM audit_events
            WHERE id IN (SELECT id FROM audit_events WHERE occurred_at < @cutoff ORDER BY occurred_at LIMIT @batchSize)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { cutoff, batchSize }, cancellationToken: ct));
    }

    private sealed record Row(int Days, DateTimeOffset UpdatedAt);
}
