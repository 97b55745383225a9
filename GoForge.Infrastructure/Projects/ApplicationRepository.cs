using System.Data.Common;
using Dapper;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.Projects;

internal sealed class ApplicationRepository(NpgsqlDataSource dataSource) : IApplicationRepository
{
    private const string Columns = """
        id, project_id, environment_id, name, slug, git_url, branch, build_context, dockerfile_path, container_port,
        health_check_path, memory_limit_mb, cpu_limit, restart_policy, auto_deploy, created_at, updated_at, pids_limit,
        allow_raw_sockets, build_target, source_kind, image_reference, digest_check_minutes, compose_path
        """;

    private const string DomainConstraint = "application_domains_host_path_prefix_key";

    public async Task<SaveOutcome> TryCreateAsync(Application application, CancellationToken ct = default)
    {
        const string sql = $"""
            INSERT INTO applications ({Columns})
            VALUES (@Id, @ProjectId, @EnvironmentId, @Name, @Slug, @GitUrl, @Branch, @BuildContext, @DockerfilePath, @ContainerPort,
                    @HealthCheckPath, @MemoryLimitMb, @CpuLimit, @RestartPolicy, @AutoDeploy, @CreatedAt, @UpdatedAt, @PidsLimit,
                    @AllowRawSockets, @BuildTarget, @SourceKind, @ImageReference, @DigestCheckMinutes, @ComposePath)
            ON CONFLICT (environment_id, slug) DO NOTHING
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.ExecuteAsync(new CommandDefinition(sql, ToRow(application), tx, cancellationToken: ct)) == 0)
        {
            return SaveOutcome.SlugTaken;
        }

        if (await DomainClaims.LockAndFindConflictAsync(conn, tx, Claimant(application), application.Domains, inserted: false, ct) is not null)
        {
            await tx.RollbackAsync(ct);
            return SaveOutcome.DomainTaken;
        }

        return await SaveDomainsAndCommitAsync(conn, tx, application, ct);
    }

    public async Task<Application?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM applications WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<ApplicationRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row is null ? null : (await WithDomainsAsync(conn, [row], ct))[0];
    }

    public async Task<IReadOnlyList<Application>> ListByEnvironmentAsync(Guid environmentId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM applications WHERE environment_id = @environmentId ORDER BY lower(name), id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<ApplicationRow>(new CommandDefinition(sql, new { environmentId }, cancellationToken: ct))).AsList();
        return await WithDomainsAsync(conn, rows, ct);
    }

    public async Task<IReadOnlyList<Application>> ListByProjectsAsync(IReadOnlyCollection<Guid> projectIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(projectIds);
        if (projectIds.Count == 0)
        {
            return [];
        }

        const string sql = $"SELECT {Columns} FROM applications WHERE project_id = ANY(@projectIds) ORDER BY lower(name), id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<ApplicationRow>(new CommandDefinition(sql, new { projectIds = projectIds.ToArray() }, cancellationToken: ct))).AsList();
        return await WithDomainsAsync(conn, rows, ct);
    }

    public async Task<SaveOutcome> TryUpdateAsync(Application application, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE applications SET name = @Name, git_url = @GitUrl, branch = @Branch, build_context = @BuildContext,
                   dockerfile_path = @DockerfilePath, container_port = @ContainerPort, health_check_path = @HealthCheckPath,
                   memory_limit_mb = @MemoryLimitMb, cpu_limit = @CpuLimit, restart_policy = @RestartPolicy,
                   auto_deploy = @AutoDeploy, updated_at = @UpdatedAt, pids_limit = @PidsLimit,
                   allow_raw_sockets = @AllowRawSockets, build_target = @BuildTarget, source_kind = @SourceKind, image_reference = @ImageReference,
                   digest_check_minutes = @DigestCheckMinutes, compose_path = @ComposePath
            WHERE id = @Id
            """;
        const string clearDomains = "DELETE FROM application_domains WHERE application_id = @Id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.ExecuteAsync(new CommandDefinition(sql, ToRow(application), tx, cancellationToken: ct)) == 0)
        {
            return SaveOutcome.NotFound;
        }

        // Decided before the old domains go, so a domain this application already holds is recognised as its own.
        if (await DomainClaims.LockAndFindConflictAsync(conn, tx, Claimant(application), application.Domains, inserted: false, ct) is not null)
        {
            await tx.RollbackAsync(ct);
            return SaveOutcome.DomainTaken;
        }

        await conn.ExecuteAsync(new CommandDefinition(clearDomains, new { application.Id }, tx, cancellationToken: ct));
        return await SaveDomainsAndCommitAsync(conn, tx, application, ct);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM applications WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct)) == 1;
    }

    private static DomainClaimant Claimant(Application application) => new(application.ProjectId, DomainHolderKind.Application, application.Id);

    private static async Task<SaveOutcome> SaveDomainsAndCommitAsync(NpgsqlConnection conn, DbTransaction tx, Application application, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO application_domains (application_id, position, host, path_prefix, service_name)
            SELECT @id, d.position, d.host, d.path_prefix, NULLIF(d.service_name, '')
            FROM unnest(@hosts, @paths, @services) WITH ORDINALITY AS d(host, path_prefix, service_name, position)
            """;
        try
        {
            await conn.ExecuteAsync(new CommandDefinition(sql, new
            {
                id = application.Id,
                hosts = application.Domains.Select(d => d.Host).ToArray(),
                paths = application.Domains.Select(d => d.PathPrefix ?? string.Empty).ToArray(),
                services = application.Domains.Select(d => d.Service ?? string.Empty).ToArray(),
            }, tx, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.IsUniqueViolation(DomainConstraint))
        {
            await tx.RollbackAsync(ct);
            return SaveOutcome.DomainTaken;
        }

        await tx.CommitAsync(ct);
        return SaveOutcome.Saved;
    }

    private static async Task<IReadOnlyList<Application>> WithDomainsAsync(NpgsqlConnection conn, IReadOnlyList<ApplicationRow> rows, CancellationToken ct)
    {
        const string sql = """
            SELECT application_id, host, path_prefix, service_name FROM application_domains
            WHERE application_id = ANY(@ids) ORDER BY application_id, position
            """;
        if (rows.Count == 0)
        {
            return [];
        }

        var domains = (await conn.QueryAsync<DomainRow>(new CommandDefinition(sql, new { ids = rows.Select(r => r.Id).ToArray() }, cancellationToken: ct)))
            .ToLookup(d => d.ApplicationId, d => new AppDomainRoute(d.Host, d.PathPrefix.Length == 0 ? null : d.PathPrefix) { Service = d.ServiceName });
        return rows.Select(r => r.ToApplication(domains[r.Id].ToList())).ToList();
    }

    private static object ToRow(Application a) => new
    {
        a.Id,
        a.ProjectId,
        a.EnvironmentId,
        a.Name,
        a.Slug,
        a.GitUrl,
        a.Branch,
        a.BuildContext,
        a.DockerfilePath,
        a.ContainerPort,
        a.HealthCheckPath,
        a.MemoryLimitMb,
        a.CpuLimit,
        a.PidsLimit,
        a.AllowRawSockets,
        a.BuildTarget,
        RestartPolicy = a.RestartPolicy.ToDb(),
        a.AutoDeploy,
        a.CreatedAt,
        a.UpdatedAt,
        SourceKind = a.Source.ToString().ToLowerInvariant(),
        a.ImageReference,
        a.DigestCheckMinutes,
        a.ComposePath,
    };

    private sealed record DomainRow(Guid ApplicationId, string Host, string PathPrefix, string? ServiceName);

    private sealed record ApplicationRow
    {
        public Guid Id { get; init; }

        public Guid ProjectId { get; init; }

        public Guid EnvironmentId { get; init; }

        public string Name { get; init; } = "";

        public string Slug { get; init; } = "";

        public string GitUrl { get; init; } = "";

        public string Branch { get; init; } = "";

        public string BuildContext { get; init; } = "";

        public string DockerfilePath { get; init; } = "";

        public int ContainerPort { get; init; }

        public string? HealthCheckPath { get; init; }

        public int? MemoryLimitMb { get; init; }

        public decimal? CpuLimit { get; init; }

        public int PidsLimit { get; init; }

        public bool AllowRawSockets { get; init; }

        public string? BuildTarget { get; init; }

        public string RestartPolicy { get; init; } = "";

        public bool AutoDeploy { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public string SourceKind { get; init; } = "git";

        public string? ImageReference { get; init; }

        public int? DigestCheckMinutes { get; init; }

        public string? ComposePath { get; init; }

        public Application ToApplication(IReadOnlyList<AppDomainRoute> domains) => new()
        {
            Id = Id,
            ProjectId = ProjectId,
            EnvironmentId = EnvironmentId,
            Name = Name,
            Slug = Slug,
            GitUrl = GitUrl,
            Branch = Branch,
            BuildContext = BuildContext,
            DockerfilePath = DockerfilePath,
            ContainerPort = ContainerPort,
            Domains = domains,
            HealthCheckPath = HealthCheckPath,
            MemoryLimitMb = MemoryLimitMb,
            CpuLimit = CpuLimit,
            PidsLimit = PidsLimit,
            AllowRawSockets = AllowRawSockets,
            BuildTarget = BuildTarget,
            RestartPolicy = DbEnums.ToRestartPolicy(RestartPolicy),
            AutoDeploy = AutoDeploy,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
            Source = Enum.Parse<ApplicationSourceKind>(SourceKind, ignoreCase: true),
            ImageReference = ImageReference,
            DigestCheckMinutes = DigestCheckMinutes,
            ComposePath = ComposePath,
        };
    }
}
