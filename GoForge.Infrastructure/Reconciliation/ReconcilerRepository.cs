using Dapper;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Reconciliation;
using GoForge.Core.Services;
using Npgsql;

namespace GoForge.Infrastructure.Reconciliation;

/// <summary>The reconciler's view of the database: set queries sent as one batch, whatever the number of applications.</summary>
internal sealed class ReconcilerRepository(NpgsqlDataSource dataSource) : IReconcilerRepository
{
    public async Task<ReconcileState> LoadAsync(IReadOnlyCollection<Guid> deploymentIds, IReadOnlyCollection<Guid> environmentIds, CancellationToken ct = default)
    {
        const string sql = """
            SELECT a.id, EXISTS (SELECT 1 FROM application_domains d WHERE d.application_id = a.id) AS has_domains FROM applications a;
            SELECT id, application_id, source, image_tag, container_id, created_at FROM deployments WHERE state = 'running' AND preview_id IS NULL ORDER BY created_at, id;
            SELECT DISTINCT application_id FROM deployments WHERE state IN ('cloning', 'building', 'pulling', 'deploying') AND preview_id IS NULL;
            SELECT application_id, max(created_at) AS newest FROM deployments WHERE preview_id IS NULL GROUP BY application_id;
            SELECT id, state FROM deployments WHERE id = ANY(@deploymentIds);
            SELECT s.id, s.state, s.container_id, s.domain IS NOT NULL AS has_domain,
                   EXISTS (SELECT 1 FROM service_operations o WHERE o.service_id = s.id AND o.state IN ('queued', 'running')) AS in_flight
            FROM service_instances s;
            SELECT id FROM environments WHERE id = ANY(@environmentIds);
            SELECT id FROM applications WHERE run_state = 'stopped';
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var read = await conn.QueryMultipleAsync(new CommandDefinition(sql,
            new { deploymentIds = deploymentIds.ToArray(), environmentIds = environmentIds.ToArray() }, cancellationToken: ct));
        var applications = (await read.ReadAsync<(Guid Id, bool HasDomains)>()).ToDictionary(a => a.Id, a => a.HasDomains);
        var running = (await read.ReadAsync<RunningRow>())
            .Select(r => new RunningDeployment(r.Id, r.ApplicationId, Enum.Parse<DeploymentSource>(r.Source, ignoreCase: true), r.ImageTag, r.ContainerId, r.CreatedAt))
            .ToList();
        var active = (await read.ReadAsync<Guid>()).ToHashSet();
        var newest = (await read.ReadAsync<(Guid ApplicationId, DateTimeOffset Newest)>()).ToDictionary(n => n.ApplicationId, n => n.Newest);
        var states = (await read.ReadAsync<(Guid Id, string State)>()).ToDictionary(d => d.Id, d => Enum.Parse<DeploymentState>(d.State, ignoreCase: true));
        var services = (await read.ReadAsync<ServiceRow>())
            .ToDictionary(s => s.Id, s => new ServiceRecord(s.Id, Enum.Parse<ServiceState>(s.State, ignoreCase: true), s.ContainerId, s.InFlight, s.HasDomain));
        var environments = (await read.ReadAsync<Guid>()).ToHashSet();
        var stopped = (await read.ReadAsync<Guid>()).ToHashSet();
        return new ReconcileState(applications, running, active, newest, states, services, environments) { StoppedApplications = stopped };
    }

    private sealed class RunningRow
    {
        public Guid Id { get; init; }

        public Guid ApplicationId { get; init; }

        public string Source { get; init; } = "";

        public string? ImageTag { get; init; }

        public string? ContainerId { get; init; }

        public DateTimeOffset CreatedAt { get; init; }
    }

    private sealed class ServiceRow
    {
        public Guid Id { get; init; }

        public string State { get; init; } = "";

        public string? ContainerId { get; init; }

        public bool HasDomain { get; init; }

        public bool InFlight { get; init; }
    }
}

/// <summary>The installation's id, made by migration 0017.</summary>
internal sealed class InstallationStore(NpgsqlDataSource dataSource) : IInstallationStore
{
    public async Task<Guid> GetIdAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT id FROM installation";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<Guid>(new CommandDefinition(sql, cancellationToken: ct));
    }
}
