using Dapper;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.Identity.GitHub;

/// <summary>The GitHub columns of <c>users</c> (<c>github_id</c>, unique, and <c>github_login</c>, shown only).</summary>
internal sealed class GitHubUserRepository(NpgsqlDataSource dataSource) : IGitHubUserRepository
{
    // The same columns as UserRepository reads: one mapping of a users row.
    private const string Columns = UserRepository.Columns;

    public async Task<User?> GetByGitHubIdAsync(long gitHubId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM users WHERE github_id = @gitHubId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<User>(new CommandDefinition(sql, new { gitHubId }, cancellationToken: ct));
    }

    public async Task<string?> GetGitHubLoginAsync(Guid userId, CancellationToken ct = default)
    {
        const string sql = "SELECT github_login FROM users WHERE id = @userId AND github_id IS NOT NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<string?>(new CommandDefinition(sql, new { userId }, cancellationToken: ct));
    }

    public async Task<GitHubAccountWrite> CreateLinkedAsync(User user, string gitHubLogin, Guid? invitationId, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        // FOR UPDATE holds off a second sign-in with the same link until this one commits; it then finds it spent.
        const string lockInvitationSql = """
            SELECT id FROM user_invitations
            WHERE id = @invitationId AND used_at IS NULL AND revoked_at IS NULL AND expires_at > @now
            FOR UPDATE
            """;
        // No conflict target: a taken login and a taken github_id (both unique indexes) each insert nothing.
        const string insertSql = $"""
            INSERT INTO users ({Columns}, github_login)
            VALUES (@Id, @Login, @DisplayName, @PasswordHash, @Role, @GitHubId, @IsDisabled, @Theme, @CreatedAt, @UpdatedAt, @GitHubLogin)
            ON CONFLICT DO NOTHING
            """;
        const string whichSql = "SELECT EXISTS (SELECT 1 FROM users WHERE github_id = @gitHubId)";
        const string spendSql = "UPDATE user_invitations SET used_at = @now, used_by = @userId WHERE id = @invitationId";

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (invitationId is not null
            && await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition(lockInvitationSql, new { invitationId, now }, tx, cancellationToken: ct)) is null)
        {
            return GitHubAccountWrite.InvitationGone;
        }

        var row = new DynamicParameters(UserRepository.ToRow(user));
        row.Add("GitHubLogin", gitHubLogin);
        if (await conn.ExecuteAsync(new CommandDefinition(insertSql, row, tx, cancellationToken: ct)) != 1)
        {
            var idTaken = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(whichSql, new { gitHubId = user.GitHubId }, tx, cancellationToken: ct));
            return idTaken ? GitHubAccountWrite.GitHubIdTaken : GitHubAccountWrite.LoginTaken;
        }

        if (invitationId is not null)
        {
            await conn.ExecuteAsync(new CommandDefinition(spendSql, new { invitationId, now, userId = user.Id }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
        return GitHubAccountWrite.Done;
    }

    public async Task<GitHubAccountWrite> LinkAsync(Guid userId, long gitHubId, string gitHubLogin, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE users SET github_id = @gitHubId, github_login = @gitHubLogin, updated_at = @now WHERE id = @userId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            return await conn.ExecuteAsync(new CommandDefinition(sql, new { userId, gitHubId, gitHubLogin, now }, cancellationToken: ct)) == 1
                ? GitHubAccountWrite.Done
                : GitHubAccountWrite.UserNotFound;
        }
        catch (PostgresException ex) when (ex.IsUniqueViolation("users_github_id_key"))
        {
            return GitHubAccountWrite.GitHubIdTaken;
        }
    }

    public async Task<bool> UnlinkAsync(Guid userId, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE users SET github_id = NULL, github_login = NULL, updated_at = @now WHERE id = @userId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { userId, now }, cancellationToken: ct)) == 1;
    }

    public async Task UpdateGitHubLoginAsync(Guid userId, string gitHubLogin, CancellationToken ct = default)
    {
        // Not a change the person made, so updated_at stays; writes only when GitHub reports a renamed login.
        const string sql = "UPDATE users SET github_login = @gitHubLogin WHERE id = @userId AND github_id IS NOT NULL AND github_login IS DISTINCT FROM @gitHubLogin";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { userId, gitHubLogin }, cancellationToken: ct));
    }
}
