using Dapper;
using GoForge.Core.Identity.TwoFactor;
using Npgsql;

namespace GoForge.Infrastructure.Identity.TwoFactor;

internal sealed class TwoFactorPolicyRepository(NpgsqlDataSource dataSource) : ITwoFactorPolicyRepository
{
    public async Task<TwoFactorPolicy?> GetAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT require_for_admins, require_for_everyone, require_after_github FROM two_factor_policy WHERE id = 1";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<TwoFactorPolicy>(new CommandDefinition(sql, cancellationToken: ct));
    }

    public async Task SaveAsync(TwoFactorPolicy policy, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO two_factor_policy (id, require_for_admins, require_for_everyone, require_after_github, updated_at)
            VALUES (1, @RequireForAdmins, @RequireForEveryone, @RequireAfterGitHub, @now)
            ON CONFLICT (id) DO UPDATE SET require_for_admins = excluded.require_for_admins,
                require_for_everyone = excluded.require_for_everyone, require_after_github = excluded.require_after_github,
                updated_at = excluded.updated_at
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { policy.RequireForAdmins, policy.RequireForEveryone, policy.RequireAfterGitHub, now }, cancellationToken: ct));
    }
}
