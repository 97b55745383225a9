using Dapper;
using GoForge.Core.Identity.GitHub;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.Identity.GitHub;

internal sealed class InvitationRepository(NpgsqlDataSource dataSource) : IInvitationRepository
{
    private const string Columns = "id, token_hash, role, note, created_by, created_at, expires_at, used_at, used_by, revoked_at";

    public async Task CreateAsync(Invitation invitation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        const string sql = $"""
            INSERT INTO user_invitations ({Columns})
            VALUES (@Id, @TokenHash, @Role, @Note, @CreatedBy, @CreatedAt, @ExpiresAt, @UsedAt, @UsedBy, @RevokedAt)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            invitation.Id,
            invitation.TokenHash,
            Role = invitation.Role.ToDb(),
            invitation.Note,
            invitation.CreatedBy,
            invitation.CreatedAt,
            invitation.ExpiresAt,
            invitation.UsedAt,
            invitation.UsedBy,
            invitation.RevokedAt,
        }, cancellationToken: ct));
    }

    public async Task<Invitation?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM user_invitations WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Invitation>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task<Invitation?> GetByTokenHashAsync(byte[] tokenHash, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM user_invitations WHERE token_hash = @tokenHash";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Invitation>(new CommandDefinition(sql, new { tokenHash }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Invitation>> ListAsync(int count, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM user_invitations ORDER BY created_at DESC, id DESC LIMIT @count";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Invitation>(new CommandDefinition(sql, new { count = Math.Clamp(count, 1, 1000) }, cancellationToken: ct))).AsList();
    }

    public async Task<bool> RevokeAsync(Guid id, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE user_invitations SET revoked_at = @now WHERE id = @id AND used_at IS NULL AND revoked_at IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, now }, cancellationToken: ct)) == 1;
    }
}
