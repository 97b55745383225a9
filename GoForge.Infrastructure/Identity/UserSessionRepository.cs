using Dapper;
using GoForge.Core.Identity;
using Npgsql;

namespace GoForge.Infrastructure.Identity;

internal sealed class UserSessionRepository(NpgsqlDataSource dataSource) : IUserSessionRepository
{
    public async Task CreateAsync(UserSession session, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO user_sessions (id, user_id, created_at, last_seen_at, expires_at, revoked_at, client_address, user_agent)
            VALUES (@Id, @UserId, @CreatedAt, @LastSeenAt, @ExpiresAt, @RevokedAt, @ClientAddress, @UserAgent)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, session, cancellationToken: ct));
    }

    public async Task<UserSession?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = """
            SELECT id, user_id, created_at, last_seen_at, expires_at, revoked_at, client_address, user_agent
            FROM user_sessions WHERE id = @id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<UserSession>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task TouchAsync(Guid id, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        const string sql = "UPDATE user_sessions SET last_seen_at = @now, expires_at = @expiresAt WHERE id = @id AND revoked_at IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, now, expiresAt }, cancellationToken: ct));
    }

    public async Task RevokeAsync(Guid id, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE user_sessions SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, now }, cancellationToken: ct));
    }

    public async Task<int> RevokeAllForUserAsync(Guid userId, DateTimeOffset now, Guid? keep = null, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE user_sessions SET revoked_at = @now
            WHERE user_id = @userId AND revoked_at IS NULL AND (@keep::uuid IS NULL OR id <> @keep::uuid)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { userId, now, keep }, cancellationToken: ct));
    }
}
