using System.Data.Common;
using Dapper;
using GoForge.Core.Projects;
using Npgsql;

namespace GoForge.Infrastructure.Projects;

/// <summary>Applications' domains (<c>application_domains</c>) and services' domains (<c>service_instances.domain</c>) as one list.</summary>
internal sealed class DomainHolderRepository(NpgsqlDataSource dataSource) : IDomainHolderRepository
{
    private const string Holders = """
        SELECT d.host, d.path_prefix, a.project_id, 'application' AS kind, a.id AS workload_id, a.name AS workload_name
        FROM application_domains d JOIN applications a ON a.id = d.application_id
        UNION ALL
        SELECT s.domain, '', s.project_id, 'service', s.id, s.name
        FROM service_instances s WHERE s.domain IS NOT NULL
        """;

    public async Task<IReadOnlyList<DomainHolder>> ListByHostsAsync(IReadOnlyCollection<string> hosts, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await ListByHostsAsync(conn, null, hosts, ct);
    }

    public async Task<IReadOnlyList<DomainHolding>> ListAllAsync(CancellationToken ct = default)
    {
        const string sql = $"""
            SELECT h.host, h.path_prefix, h.project_id, h.kind, h.workload_id, h.workload_name, p.name AS project_name
            FROM ({Holders}) h JOIN projects p ON p.id = h.project_id
            ORDER BY h.host, h.path_prefix, p.name, h.workload_name
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<HolderRow>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new DomainHolding(r.ToHolder(), r.ProjectName, r.WorkloadName)).ToList();
    }

    /// <summary>The holders of these exact hosts, read on <paramref name="conn"/> (inside a saving transaction when one is given).</summary>
    internal static async Task<IReadOnlyList<DomainHolder>> ListByHostsAsync(NpgsqlConnection conn, DbTransaction? tx, IReadOnlyCollection<string> hosts, CancellationToken ct)
    {
        const string sql = $"""
            SELECT h.host, h.path_prefix, h.project_id, h.kind, h.workload_id, h.workload_name, '' AS project_name
            FROM ({Holders}) h WHERE h.host = ANY(@hosts)
            """;
        var rows = await conn.QueryAsync<HolderRow>(new CommandDefinition(sql, new { hosts = hosts.ToArray() }, tx, cancellationToken: ct));
        return rows.Select(r => r.ToHolder()).ToList();
    }

    private sealed record HolderRow
    {
        public string Host { get; init; } = "";

        public string PathPrefix { get; init; } = "";

        public Guid ProjectId { get; init; }

        public string Kind { get; init; } = "";

        public Guid WorkloadId { get; init; }

        public string WorkloadName { get; init; } = "";

        public string ProjectName { get; init; } = "";

        public DomainHolder ToHolder() => new(
            Host,
            PathPrefix.Length == 0 ? null : PathPrefix,
            ProjectId,
            Kind == "service" ? DomainHolderKind.Service : DomainHolderKind.Application,
            WorkloadId);
    }
}
