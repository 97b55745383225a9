using Dapper;
using GoForge.Core.Identity.ApiTokens;
using Npgsql;

namespace GoForge.Infrastructure.Identity.ApiTokens;

/// <summary>The <c>api_tokens</c> table. Scopes are stored as a <c>text[]</c> of scope names; the token itself never.</summary>
internal sealed class ApiTokenRepository(NpgsqlDataSource dataSource) : IApiTokenRepository
{
    private const string Columns = "t.id, t.user_id, t.name, t.scopes, t.project_id, t.expires_at, t.created_at, t.last_used_at, t.revoked_at";

    public async Task CreateAsync(ApiToken token, byte[] tokenHash, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO api_tokens (id, user_id, name, token_hash, scopes, project_id, expires_at, created_at, last_used_at, revoked_at)
            VALUES (@Id, @UserId, @Name, @tokenHash, @scopes, @ProjectId, @ExpiresAt, @CreatedAt, NULL, NULL)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            token.Id,
            token.UserId,
            token.Name,
            tokenHash,
            scopes = token.Scopes.Names().ToArray(),
            token.ProjectId,
            token.ExpiresAt,
            token.CreatedAt,
        }, cancellationToken: ct));
    }

    public async Task<ApiToken?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM api_tokens t WHERE t.id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row?.ToToken();
    }

    public async Task<ApiToken?> FindByHashAsync(byte[] tokenHash, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM api_tokens t WHERE t.token_hash = @tokenHash";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { tokenHash }, cancellationToken: ct));
        return row?.ToToken();
    }

    public async Task<IReadOnlyList<ApiTokenListItem>> ListByUserAsync(Guid userId, CancellationToken ct = default)
    {
        const string sql = $"""
            SELECT {Columns}, p.name AS project_name
            FROM api_tokens t
            LEFT JOIN projects p ON p.id = t.project_id
            WHERE t.user_id = @userId
            ORDER BY t.created_at DESC, t.id DESC
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(sql, new { userId }, cancellationToken: ct));
        return rows.Select(r => new ApiTokenListItem(r.ToToken(), r.ProjectName)).ToList();
    }

    public async Task<int> CountActiveByUserAsync(Guid userId, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            SELECT count(*)::int FROM api_tokens
            WHERE user_id = @userId AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { userId, now }, cancellationToken: ct));
    }

    public async Task<bool> RevokeAsync(Guid id, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE api_tokens SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, now }, cancellationToken: ct)) == 1;
    }

    public async Task TouchAsync(Guid id, DateTimeOffset now, DateTimeOffset notAfter, CancellationToken ct = default)
    {
        // The condition makes concurrent requests of one token write once per interval, not once each.
        const string sql = """
            UPDATE api_tokens SET last_used_at = @now
            WHERE id = @id AND (last_used_at IS NULL OR last_used_at <= @notAfter)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, now, notAfter }, cancellationToken: ct));
    }

    private sealed record Row
    {
        public Guid Id { get; init; }

        public Guid UserId { get; init; }

        public string Name { get; init; } = string.Empty;

        public string[] Scopes { get; init; } = [];

        public Guid? ProjectId { get; init; }

        public DateTimeOffset? ExpiresAt { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? LastUsedAt { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }

        public string? ProjectName { get; init; }

        public ApiToken ToToken() => new()
        {
            Id = Id,
            UserId = UserId,
            Name = Name,
            Scopes = ApiScopes.TryParse(Scopes, out var scopes) ? scopes : throw new InvalidOperationException($"API token {Id} has an unknown scope."),
            ProjectId = ProjectId,
            ExpiresAt = ExpiresAt,
            CreatedAt = CreatedAt,
            LastUsedAt = LastUsedAt,
            RevokedAt = RevokedAt,
        };
    }
}
