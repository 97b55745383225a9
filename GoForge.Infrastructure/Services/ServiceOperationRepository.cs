using Dapper;
using GoForge.Core.Services;
using Npgsql;

namespace GoForge.Infrastructure.Services;

/// <summary>
/// The services' durable operation queue. A partial unique index keeps one queued-or-running operation per service;
/// claiming takes queued rows oldest first with <c>FOR UPDATE SKIP LOCKED</c>, so two panels never take the same one.
/// </summary>
internal sealed class ServiceOperationRepository(NpgsqlDataSource dataSource) : IServiceOperationRepository
{
    private const string Columns = "id, service_id, project_id, kind, state, version, keep_volumes, requested_by, outcome, created_at, started_at, ended_at";

    public async Task<bool> TryEnqueueAsync(ServiceOperation operation, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        const string sql = """
            INSERT INTO service_operations (id, service_id, project_id, kind, state, version, keep_volumes, requested_by, created_at)
            VALUES (@Id, @ServiceId, @ProjectId, @kind, 'queued', @Version, @KeepVolumes, @RequestedBy, @CreatedAt)
            ON CONFLICT (service_id) WHERE state IN ('queued', 'running') DO NOTHING
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            operation.Id,
            operation.ServiceId,
            operation.ProjectId,
            kind = KindToDb(operation.Kind),
            operation.Version,
            operation.KeepVolumes,
            operation.RequestedBy,
            operation.CreatedAt,
        }, cancellationToken: ct)) == 1;
    }

    public async Task<ServiceOperation?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM service_operations WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<OperationRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct)))?.ToModel();
    }

    public async Task<ServiceOperation?> GetInFlightAsync(Guid serviceId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM service_operations WHERE service_id = @serviceId AND state IN ('queued', 'running')";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<OperationRow>(new CommandDefinition(sql, new { serviceId }, cancellationToken: ct)))?.ToModel();
    }

    public async Task<IReadOnlyList<ServiceOperation>> ClaimAsync(int limit, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = $"""
            UPDATE service_operations SET state = 'running', started_at = @now
            WHERE id IN (SELECT id FROM service_operations WHERE state = 'queued'
                         ORDER BY created_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<OperationRow>(new CommandDefinition(sql, new { limit = Math.Clamp(limit, 1, 100), now }, cancellationToken: ct));
        return rows.Select(r => r.ToModel()).OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).ToList();
    }

    public async Task<bool> TryEndAsync(Guid id, ServiceOperationState state, string outcome, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE service_operations SET state = @state, outcome = @outcome, ended_at = @now
            WHERE id = @id AND state IN ('queued', 'running')
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, state = StateToDb(state), outcome = Bounded(outcome), now }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> TryCancelQueuedAsync(Guid id, string outcome, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE service_operations SET state = 'canceled', outcome = @outcome, ended_at = @now WHERE id = @id AND state = 'queued'";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, outcome = Bounded(outcome), now }, cancellationToken: ct)) == 1;
    }

    public async Task<IReadOnlyList<ServiceOperation>> EndRunningAsync(string outcome, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = $"""
            UPDATE service_operations SET state = 'failed', outcome = @outcome, ended_at = @now
            WHERE state = 'running'
            RETURNING {Columns}
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<OperationRow>(new CommandDefinition(sql, new { outcome = Bounded(outcome), now }, cancellationToken: ct));
        return rows.Select(r => r.ToModel()).ToList();
    }

    public async Task<IReadOnlyList<ServiceOperation>> ListRecentAsync(Guid serviceId, int limit, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM service_operations WHERE service_id = @serviceId ORDER BY created_at DESC, id DESC LIMIT @limit";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<OperationRow>(new CommandDefinition(sql, new { serviceId, limit = Math.Clamp(limit, 1, 100) }, cancellationToken: ct));
        return rows.Select(r => r.ToModel()).ToList();
    }

    private static string Bounded(string text) => text.Length > 2000 ? text[..2000] : text;

    private static string KindToDb(ServiceOperationKind kind) => kind switch
    {
        ServiceOperationKind.Create => "create",
        ServiceOperationKind.Start => "start",
        ServiceOperationKind.Stop => "stop",
        ServiceOperationKind.Restart => "restart",
        ServiceOperationKind.Version => "version",
        ServiceOperationKind.Delete => "delete",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static ServiceOperationKind KindFromDb(string kind) => kind switch
    {
        "create" => ServiceOperationKind.Create,
        "start" => ServiceOperationKind.Start,
        "stop" => ServiceOperationKind.Stop,
        "restart" => ServiceOperationKind.Restart,
        "version" => ServiceOperationKind.Version,
        "delete" => ServiceOperationKind.Delete,
        _ => throw new InvalidOperationException($"Unknown service operation kind '{kind}' in the database."),
    };

    private static string StateToDb(ServiceOperationState state) => state switch
    {
        ServiceOperationState.Queued => "queued",
        ServiceOperationState.Running => "running",
        ServiceOperationState.Succeeded => "succeeded",
        ServiceOperationState.Failed => "failed",
        ServiceOperationState.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static ServiceOperationState StateFromDb(string state) => state switch
    {
        "queued" => ServiceOperationState.Queued,
        "running" => ServiceOperationState.Running,
        "succeeded" => ServiceOperationState.Succeeded,
        "failed" => ServiceOperationState.Failed,
        "canceled" => ServiceOperationState.Canceled,
        _ => throw new InvalidOperationException($"Unknown service operation state '{state}' in the database."),
    };

    private sealed record OperationRow(Guid Id, Guid ServiceId, Guid ProjectId, string Kind, string State, string? Version, bool KeepVolumes,
        Guid? RequestedBy, string? Outcome, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt)
    {
        public ServiceOperation ToModel() => new()
        {
            Id = Id,
            ServiceId = ServiceId,
            ProjectId = ProjectId,
            Kind = KindFromDb(Kind),
            State = StateFromDb(State),
            Version = Version,
            KeepVolumes = KeepVolumes,
            RequestedBy = RequestedBy,
            Outcome = Outcome,
            CreatedAt = CreatedAt,
            StartedAt = StartedAt,
            EndedAt = EndedAt,
        };
    }
}
