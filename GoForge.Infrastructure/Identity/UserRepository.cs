using Dapper;
using GoForge.Core.Identity;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.Identity;

internal sealed class UserRepository(NpgsqlDataSource dataSource) : IUserRepository
{
    internal const string Columns = "id, login, display_name, password_hash, role, github_id, is_disabled, theme, created_at, updated_at";

    public async Task<User?> GetByIdAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM users WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<User>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task<User?> GetByLoginAsync(string login, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM users WHERE login = lower(@login)";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<User>(new CommandDefinition(sql, new { login }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM users ORDER BY login";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<User>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    public async Task<bool> AnyAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT EXISTS (SELECT 1 FROM users)";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(sql, cancellationToken: ct));
    }

    public async Task<bool> TryCreateAsync(User user, CancellationToken ct = default)
    {
        const string sql = $"""
            INSERT INTO users ({Columns})
            VALUES (@Id, @Login, @DisplayName, @PasswordHash, @Role, @GitHubId, @IsDisabled, @Theme, @CreatedAt, @UpdatedAt)
            ON CONFLICT (login) DO NOTHING
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, ToRow(user), cancellationToken: ct)) == 1;
    }

    public async Task<bool> TryCreateFirstAsync(User user, CancellationToken ct = default)
    {
        // The lock makes "is it empty?" and the insert one step: of two racing setups, one waits and then sees a user.
        const string lockSql = "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE";
        const string sql = $"""
            INSERT INTO users ({Columns})
            SELECT @Id, @Login, @DisplayName, @PasswordHash, @Role, @GitHubId, @IsDisabled, @Theme, @CreatedAt, @UpdatedAt
            WHERE NOT EXISTS (SELECT 1 FROM users)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(lockSql, transaction: tx, cancellationToken: ct));
        var inserted = await conn.ExecuteAsync(new CommandDefinition(sql, ToRow(user), tx, cancellationToken: ct)) == 1;
        await tx.CommitAsync(ct);
        return inserted;
    }

    public async Task<bool> UpdateRoleAsync(Guid id, UserRole role, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE users SET role = @role, updated_at = @now WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, role = role.ToDb(), now }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE users SET password_hash = @passwordHash, updated_at = @now WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, passwordHash, now }, cancellationToken: ct)) == 1;
    }

    public async Task<int?> SetPasswordAsync(Guid id, string passwordHash, DateTimeOffset now, CancellationToken ct = default)
    {
        const string password = "UPDATE users SET password_hash = @passwordHash, updated_at = @now WHERE id = @id";
        const string tokens = "UPDATE api_tokens SET revoked_at = @now WHERE user_id = @id AND revoked_at IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.ExecuteAsync(new CommandDefinition(password, new { id, passwordHash, now }, tx, cancellationToken: ct)) != 1)
        {
            return null;
        }

        var revoked = await conn.ExecuteAsync(new CommandDefinition(tokens, new { id, now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return revoked;
    }

    public async Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE users SET display_name = @displayName, updated_at = @now WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, displayName, now }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> SetDisabledAsync(Guid id, bool disabled, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE users SET is_disabled = @disabled, updated_at = @now WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, disabled, now }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> SetThemeAsync(Guid id, ThemePreference theme, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE users SET theme = @theme, updated_at = @now WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, theme = theme.ToDb(), now }, cancellationToken: ct)) == 1;
    }

    public async Task<int> CountActiveAdminsAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT count(*)::int FROM users WHERE role = 'admin' AND NOT is_disabled";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(sql, cancellationToken: ct));
    }

    /// <summary>A user as the <c>users</c> columns' parameters (also for <see cref="GitHub.GitHubUserRepository"/>'s insert).</summary>
    internal static object ToRow(User user) => new
    {
        user.Id,
        user.Login,
        user.DisplayName,
        user.PasswordHash,
        Role = user.Role.ToDb(),
        user.GitHubId,
        user.IsDisabled,
        Theme = user.Theme.ToDb(),
        user.CreatedAt,
        user.UpdatedAt,
    };
}
