using Dapper;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.Projects;

internal sealed class ProjectRepository(NpgsqlDataSource dataSource) : IProjectRepository
{
    private const string Columns = "p.id, p.name, p.slug, p.description, p.created_at, p.updated_at";

    public async Task<SaveOutcome> TryCreateAsync(Project project, ProjectEnvironment firstEnvironment, Guid? maintainerUserId, CancellationToken ct = default)
    {
        const string projectSql = """
            INSERT INTO projects (id, name, slug, description, created_at, updated_at)
            VALUES (@Id, @Name, @Slug, @Description, @CreatedAt, @UpdatedAt)
            ON CONFLICT (slug) DO NOTHING
            """;
        const string environmentSql = """
            INSERT INTO environments (id, project_id, name, slug, created_at)
            VALUES (@Id, @ProjectId, @Name, @Slug, @CreatedAt)
            """;
        const string memberSql = """
            INSERT INTO project_members (project_id, user_id, role, added_at)
            VALUES (@projectId, @userId, 'maintainer', @now)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.ExecuteAsync(new CommandDefinition(projectSql, project, tx, cancellationToken: ct)) == 0)
        {
            return SaveOutcome.SlugTaken;
        }

        await conn.ExecuteAsync(new CommandDefinition(environmentSql, firstEnvironment, tx, cancellationToken: ct));
        if (maintainerUserId is { } userId)
        {
            await conn.ExecuteAsync(new CommandDefinition(memberSql, new { projectId = project.Id, userId, now = project.CreatedAt }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
        return SaveOutcome.Saved;
    }

    public async Task<Project?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM projects p WHERE p.id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Project>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ProjectSummary>> ListAsync(Guid? memberUserId, CancellationToken ct = default)
    {
        // Administrators (memberUserId null) see every project with maintainer rights.
        const string sql = $"""
            SELECT {Columns},
                   (SELECT count(*)::int FROM environments e WHERE e.project_id = p.id) AS environment_count,
                   (SELECT count(*)::int FROM applications a WHERE a.project_id = p.id) AS application_count,
                   COALESCE(m.role, 'maintainer') AS role
            FROM projects p
            LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = @memberUserId
            WHERE @memberUserId::uuid IS NULL OR m.user_id IS NOT NULL
            ORDER BY lower(p.name), p.id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<SummaryRow>(new CommandDefinition(sql, new { memberUserId }, cancellationToken: ct));
        return rows.Select(r => new ProjectSummary
        {
            Project = new Project { Id = r.Id, Name = r.Name, Slug = r.Slug, Description = r.Description, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt },
            EnvironmentCount = r.EnvironmentCount,
            ApplicationCount = r.ApplicationCount,
            Role = Enum.Parse<ProjectRole>(r.Role, ignoreCase: true),
        }).ToList();
    }

    public async Task<bool> UpdateAsync(Guid id, string name, string? description, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE projects SET name = @name, description = @description, updated_at = @now WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, name, description, now }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM projects WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct)) == 1;
    }

    public async Task<ProjectRole?> GetRoleAsync(Guid projectId, Guid userId, CancellationToken ct = default)
    {
        const string sql = "SELECT role FROM project_members WHERE project_id = @projectId AND user_id = @userId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var role = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql, new { projectId, userId }, cancellationToken: ct));
        return role is null ? null : Enum.Parse<ProjectRole>(role, ignoreCase: true);
    }

    public async Task<IReadOnlyList<ProjectMember>> ListMembersAsync(Guid projectId, CancellationToken ct = default)
    {
        const string sql = """
            SELECT m.project_id, m.user_id, u.login, u.display_name, m.role
            FROM project_members m JOIN users u ON u.id = m.user_id
            WHERE m.project_id = @projectId
            ORDER BY u.login
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<MemberRow>(new CommandDefinition(sql, new { projectId }, cancellationToken: ct));
        return rows.Select(r => new ProjectMember(r.ProjectId, r.UserId, r.Login, r.DisplayName, Enum.Parse<ProjectRole>(r.Role, ignoreCase: true))).ToList();
    }

    public async Task SetMemberAsync(Guid projectId, Guid userId, ProjectRole role, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO project_members (project_id, user_id, role, added_at)
            VALUES (@projectId, @userId, @role, now())
            ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { projectId, userId, role = role.ToDb() }, cancellationToken: ct));
    }

    public async Task<bool> RemoveMemberAsync(Guid projectId, Guid userId, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM project_members WHERE project_id = @projectId AND user_id = @userId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { projectId, userId }, cancellationToken: ct)) == 1;
    }

    private sealed record SummaryRow(Guid Id, string Name, string Slug, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        int EnvironmentCount, int ApplicationCount, string Role);

    private sealed record MemberRow(Guid ProjectId, Guid UserId, string Login, string DisplayName, string Role);
}
