using System.Text.Json;
using Dapper;
using GoForge.Core.Projects;
using GoForge.Core.Secrets;
using GoForge.Core.Services;
using GoForge.Infrastructure.Persistence;
using GoForge.Infrastructure.Projects;
using Npgsql;

namespace GoForge.Infrastructure.Services;

/// <summary>Inputs are encrypted here, at the repository boundary, as one JSON object bound to the row id.</summary>
internal sealed class ServiceInstanceRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : IServiceInstanceRepository
{
    private const string Columns = "id, project_id, environment_id, template_id, version, name, slug, state, reason, container_id, created_at, updated_at";

    public async Task<SaveOutcome> TryCreateAsync(ServiceInstance instance, IReadOnlyDictionary<string, string> inputs, string? domain, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        const string sql = """
            INSERT INTO service_instances (id, project_id, environment_id, template_id, version, name, slug, state, reason, container_id,
                                           domain, inputs_ciphertext, inputs_key_id, created_at, updated_at)
            VALUES (@Id, @ProjectId, @EnvironmentId, @TemplateId, @Version, @Name, @Slug, @State, @Reason, @ContainerId,
                    @domain, @ciphertext, @keyId, @CreatedAt, @UpdatedAt)
            ON CONFLICT (environment_id, slug) DO NOTHING
            """;
        var sealedInputs = protector.Protect(JsonSerializer.Serialize(inputs), instance.Id);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var inserted = await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            instance.Id,
            instance.ProjectId,
            instance.EnvironmentId,
            instance.TemplateId,
            instance.Version,
            instance.Name,
            instance.Slug,
            State = ToDb(instance.State),
            instance.Reason,
            instance.ContainerId,
            domain,
            ciphertext = sealedInputs.Ciphertext,
            keyId = sealedInputs.KeyId,
            instance.CreatedAt,
            instance.UpdatedAt,
        }, tx, cancellationToken: ct));
        if (inserted != 1)
        {
            return SaveOutcome.SlugTaken;
        }

        if (domain is not null && await DomainClaims.LockAndFindConflictAsync(
                conn, tx, new DomainClaimant(instance.ProjectId, DomainHolderKind.Service, instance.Id), [new AppDomainRoute(domain, null)], inserted: true, ct) is not null)
        {
            await tx.RollbackAsync(ct);
            return SaveOutcome.DomainTaken;
        }

        await tx.CommitAsync(ct);
        return SaveOutcome.Saved;
    }

    public async Task<ServiceInstance?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM service_instances WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<InstanceRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row?.ToModel();
    }

    public async Task<IReadOnlyList<ServiceInstance>> ListByEnvironmentAsync(Guid environmentId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM service_instances WHERE environment_id = @environmentId ORDER BY name, id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<InstanceRow>(new CommandDefinition(sql, new { environmentId }, cancellationToken: ct));
        return rows.Select(r => r.ToModel()).ToList();
    }

    public async Task<(IReadOnlyDictionary<string, string> Inputs, string? Domain)> GetInputsAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "SELECT inputs_key_id, inputs_ciphertext, domain FROM service_instances WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<InputsRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        if (row is null)
        {
            return (new Dictionary<string, string>(), null);
        }

        var json = protector.Unprotect(new ProtectedValue(row.InputsKeyId, row.InputsCiphertext), id);
        var inputs = JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        return (inputs, row.Domain);
    }

    public async Task<bool> TryTransitionAsync(Guid id, ServiceState from, ServiceState to, string? reason, string? containerId, string version, DateTimeOffset now, CancellationToken ct = default)
    {
        const string updateSql = """
            UPDATE service_instances SET state = @to, reason = @reason, container_id = @containerId, version = @version, updated_at = @now
            WHERE id = @id AND state = @from
            """;
        const string transitionSql = """
            INSERT INTO service_transitions (service_id, from_state, to_state, reason, occurred_at)
            VALUES (@id, @from, @to, @reason, @now)
            """;
        var args = new { id, from = ToDb(from), to = ToDb(to), reason = reason is { Length: > 2000 } ? reason[..2000] : reason, containerId, version, now };
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.ExecuteAsync(new CommandDefinition(updateSql, args, tx, cancellationToken: ct)) != 1)
        {
            return false;
        }

        await conn.ExecuteAsync(new CommandDefinition(transitionSql, args, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<ServiceInstance>> ListUnsettledAsync(CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM service_instances WHERE state IN ('creating', 'pulling', 'starting') ORDER BY created_at, id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<InstanceRow>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => r.ToModel()).ToList();
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM service_instances WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct)) == 1;
    }

    private static string ToDb(ServiceState state) => state switch
    {
        ServiceState.Creating => "creating",
        ServiceState.Pulling => "pulling",
        ServiceState.Starting => "starting",
        ServiceState.Running => "running",
        ServiceState.Stopped => "stopped",
        ServiceState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static ServiceState FromDb(string state) => state switch
    {
        "creating" => ServiceState.Creating,
        "pulling" => ServiceState.Pulling,
        "starting" => ServiceState.Starting,
        "running" => ServiceState.Running,
        "stopped" => ServiceState.Stopped,
        "failed" => ServiceState.Failed,
        _ => throw new InvalidOperationException($"Unknown service state '{state}' in the database."),
    };

    private sealed record InputsRow(string InputsKeyId, byte[] InputsCiphertext, string? Domain);

    private sealed record InstanceRow(Guid Id, Guid ProjectId, Guid EnvironmentId, string TemplateId, string Version, string Name, string Slug,
        string State, string? Reason, string? ContainerId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public ServiceInstance ToModel() => new()
        {
            Id = Id,
            ProjectId = ProjectId,
            EnvironmentId = EnvironmentId,
            TemplateId = TemplateId,
            Version = Version,
            Name = Name,
            Slug = Slug,
            State = FromDb(State),
            Reason = Reason,
            ContainerId = ContainerId,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
        };
    }
}
