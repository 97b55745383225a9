using Dapper;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Core.Secrets;
using Npgsql;

namespace GoForge.Infrastructure.Identity.TwoFactor;

/// <summary>TOTP secrets (encrypted here, bound to the row's id), recovery code hashes, and the sessions' last second factor.</summary>
internal sealed class TwoFactorRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : ITwoFactorRepository
{
    public async Task<TwoFactorSecret?> GetAsync(Guid userId, CancellationToken ct = default)
    {
        const string sql = """
            SELECT id, user_id, secret_ciphertext, secret_key_id, created_at, confirmed_at, last_used_step
            FROM user_two_factor WHERE user_id = @userId
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<SecretRow>(new CommandDefinition(sql, new { userId }, cancellationToken: ct));
        return row is null ? null : new TwoFactorSecret(row.UserId, protector.Unprotect(new ProtectedValue(row.SecretKeyId, row.SecretCiphertext), row.Id),
            row.CreatedAt, row.ConfirmedAt, row.LastUsedStep);
    }

    public async Task<bool> BeginAsync(Guid userId, string secret, DateTimeOffset now, CancellationToken ct = default)
    {
        // A new row id each time: the ciphertext is bound to it, and an unconfirmed secret is replaced whole.
        const string sql = """
            INSERT INTO user_two_factor (id, user_id, secret_ciphertext, secret_key_id, created_at, confirmed_at, last_used_step)
            VALUES (@Id, @userId, @Ciphertext, @KeyId, @now, NULL, NULL)
            ON CONFLICT (user_id) DO UPDATE SET id = excluded.id, secret_ciphertext = excluded.secret_ciphertext,
                secret_key_id = excluded.secret_key_id, created_at = excluded.created_at, last_used_step = NULL
            WHERE user_two_factor.confirmed_at IS NULL
            """;
        var id = Guid.CreateVersion7(now);
        var protectedSecret = protector.Protect(secret, id);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql,
            new { Id = id, userId, protectedSecret.Ciphertext, protectedSecret.KeyId, now }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> ConfirmAsync(Guid userId, long step, IReadOnlyList<byte[]> recoveryCodeHashes, DateTimeOffset now, CancellationToken ct = default)
    {
        const string confirm = """
            UPDATE user_two_factor SET confirmed_at = @now, last_used_step = @step
            WHERE user_id = @userId AND confirmed_at IS NULL
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.ExecuteAsync(new CommandDefinition(confirm, new { userId, step, now }, tx, cancellationToken: ct)) != 1)
        {
            return false;
        }

        await ReplaceCodesAsync(conn, tx, userId, recoveryCodeHashes, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> TryUseStepAsync(Guid userId, long step, CancellationToken ct = default)
    {
        // One statement: two requests racing with the same code cannot both pass.
        const string sql = """
            UPDATE user_two_factor SET last_used_step = @step
            WHERE user_id = @userId AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < @step)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { userId, step }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> TryUseRecoveryCodeAsync(Guid userId, byte[] codeHash, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE two_factor_recovery_codes SET used_at = @now
            WHERE user_id = @userId AND code_hash = @codeHash AND used_at IS NULL
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { userId, codeHash, now }, cancellationToken: ct)) == 1;
    }

    public async Task ReplaceRecoveryCodesAsync(Guid userId, IReadOnlyList<byte[]> codeHashes, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ReplaceCodesAsync(conn, tx, userId, codeHashes, now, ct);
        await tx.CommitAsync(ct);
    }

    public async Task<int> CountUnusedRecoveryCodesAsync(Guid userId, CancellationToken ct = default)
    {
        const string sql = "SELECT count(*) FROM two_factor_recovery_codes WHERE user_id = @userId AND used_at IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { userId }, cancellationToken: ct));
    }

    public async Task<bool> DeleteAsync(Guid userId, CancellationToken ct = default)
    {
        const string codes = "DELETE FROM two_factor_recovery_codes WHERE user_id = @userId";
        const string secret = "DELETE FROM user_two_factor WHERE user_id = @userId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(codes, new { userId }, tx, cancellationToken: ct));
        var deleted = await conn.ExecuteAsync(new CommandDefinition(secret, new { userId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return deleted == 1;
    }

    public async Task MarkSessionSecondFactorAsync(Guid sessionId, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE user_sessions SET second_factor_at = @now WHERE id = @sessionId AND revoked_at IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { sessionId, now }, cancellationToken: ct));
    }

    public async Task<DateTimeOffset?> GetSessionSecondFactorAsync(Guid sessionId, CancellationToken ct = default)
    {
        const string sql = "SELECT second_factor_at FROM user_sessions WHERE id = @sessionId AND revoked_at IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(sql, new { sessionId }, cancellationToken: ct));
    }

    private static async Task ReplaceCodesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid userId, IReadOnlyList<byte[]> hashes, DateTimeOffset now, CancellationToken ct)
    {
        const string delete = "DELETE FROM two_factor_recovery_codes WHERE user_id = @userId";
        const string insert = """
            INSERT INTO two_factor_recovery_codes (user_id, code_hash, created_at, used_at)
            SELECT @userId, h, @now, NULL FROM unnest(@hashes) AS h
            """;
        await conn.ExecuteAsync(new CommandDefinition(delete, new { userId }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(insert, new { userId, now, hashes = hashes.ToArray() }, tx, cancellationToken: ct));
    }

    private sealed record SecretRow(Guid Id, Guid UserId, byte[] SecretCiphertext, string SecretKeyId, DateTimeOffset CreatedAt,
        DateTimeOffset? ConfirmedAt, long? LastUsedStep);
}
