using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GoForge.Infrastructure.Docker.BuildKit;

/// <summary>
/// The ids of the build cache records that are GoForge's: those that appeared on the engine during its builds.
/// BuildKit's records carry no owner, so this list is how a shared engine's other records are left alone.
/// </summary>
public sealed class BuildCacheLedger(NpgsqlDataSource dataSource, TimeProvider time, IOptions<BuildKitOptions> options)
{
    /// <summary>The disk GoForge's build cache may take (<see cref="BuildKitOptions.CacheBudgetBytes"/>; 0: no budget).</summary>
    public long BudgetBytes => options.Value.CacheBudgetBytes;

    public async Task RecordAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO build_cache_records (id, recorded_at)
            SELECT unnest(@ids), @now
            ON CONFLICT (id) DO NOTHING
            """;
        if (ids.Count == 0)
        {
            return;
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { ids = ids.ToArray(), now = time.GetUtcNow() }, cancellationToken: ct));
    }

    /// <summary>GoForge's record ids, oldest first.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT id FROM build_cache_records ORDER BY recorded_at, id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    /// <summary>Forgets records the engine no longer has (pruned, or removed by anyone).</summary>
    public async Task ForgetAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM build_cache_records WHERE id = ANY(@ids)";
        if (ids.Count == 0)
        {
            return;
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { ids = ids.ToArray() }, cancellationToken: ct));
    }
}
