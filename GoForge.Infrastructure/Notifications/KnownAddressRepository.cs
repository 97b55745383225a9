using Dapper;
using GoForge.Core.Notifications;
using Npgsql;

namespace GoForge.Infrastructure.Notifications;

/// <summary>The addresses each admin has signed in from.</summary>
internal sealed class KnownAddressRepository(NpgsqlDataSource dataSource) : IKnownAddressRepository
{
    public async Task<bool> RememberAsync(Guid userId, string address, DateTimeOffset now, CancellationToken ct = default)
    {
        // Both sub-statements see the table as it was before the insert: "had" tells a first sign-in ever from a new address.
        const string sql = """
            WITH had AS (SELECT EXISTS (SELECT 1 FROM admin_known_addresses WHERE user_id = @userId) AS any_known),
                 added AS (INSERT INTO admin_known_addresses (user_id, address, first_seen_at) VALUES (@userId, @address, @now)
                           ON CONFLICT (user_id, address) DO NOTHING RETURNING 1)
            SELECT (SELECT any_known FROM had) AND EXISTS (SELECT 1 FROM added)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { userId, address, now }, cancellationToken: ct));
    }
}
