using GoForge.Core.Projects;
using Dapper;
using GoForge.Core.GitProviders;
using Npgsql;

namespace GoForge.Infrastructure.GitProviders;

/// <summary>The one row of "Allow local and private repositories", as an administrator saved it.</summary>
internal sealed class RepositoryNetworkSettingsRepository(NpgsqlDataSource dataSource) : IRepositoryNetworkSettingsRepository
{
    /// <summary>The row's fixed id ("repsnt" in its last six bytes), which the schema checks.</summary>
    internal static readonly Guid RowId = new("00000000-0000-0000-0000-726570736e74");

    public async Task<RepositoryNetworkSetting?> GetAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT allow_local_and_private, updated_at FROM repository_network_settings WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { id = RowId }, cancellationToken: ct));
        return row is null ? null : new RepositoryNetworkSetting(row.AllowLocalAndPrivate, row.UpdatedAt);
    }

    public async Task SaveAsync(bool allowLocalAndPrivate, Guid updatedBy, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO repository_network_settings (id, allow_local_and_private, updated_at, updated_by)
            VALUES (@id, @allowLocalAndPrivate, @now, @updatedBy)
            ON CONFLICT (id) DO UPDATE SET
                allow_local_and_private = excluded.allow_local_and_private, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id = RowId, allowLocalAndPrivate, now, updatedBy }, cancellationToken: ct));
    }

    private sealed record Row(bool AllowLocalAndPrivate, DateTimeOffset UpdatedAt);
}
