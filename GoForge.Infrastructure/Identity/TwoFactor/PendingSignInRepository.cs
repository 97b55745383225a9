using Dapper;
using GoForge.Core.Identity.TwoFactor;
using Npgsql;

namespace GoForge.Infrastructure.Identity.TwoFactor;

internal sealed class PendingSignInRepository(NpgsqlDataSource dataSource) : IPendingSignInRepository
{
    public async Task CreateAsync(PendingSignIn pending, byte[] tokenHash, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO pending_sign_ins (token_hash, user_id, purpose, how, client_address, user_agent, created_at, expires_at, used_at)
            VALUES (@tokenHash, @UserId, @Purpose, @How, @ClientAddress, @UserAgent, @CreatedAt, @ExpiresAt, NULL)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            tokenHash,
            pending.UserId,
            Purpose = pending.Purpose == PendingPurpose.Verify ? "verify" : "enrol",
            pending.How,
            pending.ClientAddress,
            pending.UserAgent,
            pending.CreatedAt,
            pending.ExpiresAt,
        }, cancellationToken: ct));
    }

    public async Task<PendingSignIn?> GetAsync(byte[] tokenHash, CancellationToken ct = default)
    {
        const string sql = """
            SELECT user_id, purpose, how, client_address, user_agent, created_at, expires_at, used_at
            FROM pending_sign_ins WHERE token_hash = @tokenHash
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { tokenHash }, cancellationToken: ct));
        return row is null ? null : new PendingSignIn
        {
            UserId = row.UserId,
            Purpose = row.Purpose == "verify" ? PendingPurpose.Verify : PendingPurpose.Enrol,
            How = row.How,
            ClientAddress = row.ClientAddress,
            UserAgent = row.UserAgent,
            CreatedAt = row.CreatedAt,
            ExpiresAt = row.ExpiresAt,
            UsedAt = row.UsedAt,
        };
    }

    public async Task<bool> TryCompleteAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE pending_sign_ins SET used_at = @now WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { tokenHash, now }, cancellationToken: ct)) == 1;
    }

    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM pending_sign_ins WHERE expires_at <= @now";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { now }, cancellationToken: ct));
    }

    private sealed record Row(Guid UserId, string Purpose, string? How, string? ClientAddress, string? UserAgent,
        DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt);
}
