using Dapper;
using GoForge.Core.Projects;
using Npgsql;

namespace GoForge.Infrastructure.Projects;

internal sealed class EnvironmentRepository(NpgsqlDataSource dataSource) : IEnvironmentRepository
{
    private const string Columns = "id, project_id, name, slug, created_at";

    public async Task<SaveOutcome> TryCreateAsync(ProjectEnvironment environment, CancellationToken ct = default)
    {
        const string sql = $"""
            INSERT INTO environments ({Columns}) VALUES (@Id, @ProjectId, @Name, @Slug, @CreatedAt)
            ON CONFLICT (project_id, slug) DO NOTHING
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, environment, cancellationToken: ct)) == 1 ? SaveOutcome.Saved : SaveOutcome.SlugTaken;
    }

    public async Task<ProjectEnvironment?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM environments WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ProjectEnvironment>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ProjectEnvironment>> ListAsync(Guid projectId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM environments WHERE project_id = @projectId ORDER BY created_at, id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ProjectEnvironment>(new CommandDefinition(sql, new { projectId }, cancellationToken: ct))).AsList();
    }

    public async Task<bool> RenameAsync(Guid id, string name, CancellationToken ct = default)
    {
        const string sql = "UPDATE environments SET name = @name WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, name }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM environments WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct)) == 1;
    }
}
