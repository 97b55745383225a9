using System.Text;
using System.Text.Json;
using Dapper;
using GoForge.Core.Compose;
using Npgsql;

namespace GoForge.Infrastructure.Compose;

/// <summary>A compose deployment's snapshot and per-service rows (migration 0023).</summary>
internal sealed class ComposeDeploymentRepository(NpgsqlDataSource dataSource, TimeProvider time) : IComposeDeployments
{
    /// <summary>The most a snapshot may hold, paths and texts counted in UTF-8 bytes; the parser refuses bigger files first.</summary>
    public const int MaxSnapshotBytes = 1024 * 1024;

    /// <summary>A failure reason is kept to this many characters (the deployment log holds the whole story).</summary>
    public const int MaxReasonLength = 4000;

    public async Task SaveSnapshotAsync(Guid deploymentId, ComposeSnapshot snapshot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Files.ContainsKey(snapshot.ComposePath))
        {
            throw new ArgumentException($"The snapshot does not hold its compose file '{snapshot.ComposePath}'.", nameof(snapshot));
        }

        var size = snapshot.Files.Sum(f => (long)Encoding.UTF8.GetByteCount(f.Key) + Encoding.UTF8.GetByteCount(f.Value));
        if (size > MaxSnapshotBytes)
        {
            throw new ArgumentException($"The compose files hold {size} bytes; at most {MaxSnapshotBytes} are kept.", nameof(snapshot));
        }

        const string sql = """
            INSERT INTO compose_snapshots (deployment_id, compose_path, files, created_at)
            VALUES (@deploymentId, @composePath, @files::jsonb, @now)
            ON CONFLICT (deployment_id) DO UPDATE SET compose_path = excluded.compose_path, files = excluded.files
            """;
        var files = JsonSerializer.Serialize(snapshot.Files.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal));
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { deploymentId, composePath = snapshot.ComposePath, files, now = time.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task<ComposeSnapshot?> GetSnapshotAsync(Guid deploymentId, CancellationToken ct = default)
    {
        const string sql = "SELECT compose_path, files::text AS files FROM compose_snapshots WHERE deployment_id = @deploymentId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<SnapshotRow>(new CommandDefinition(sql, new { deploymentId }, cancellationToken: ct));
        if (row is null)
        {
            return null;
        }

        var files = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Files) ?? [];
        return new ComposeSnapshot(row.ComposePath, new Dictionary<string, string>(files, StringComparer.Ordinal));
    }

    public async Task SaveServiceAsync(Guid deploymentId, ComposeServiceRecord record, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        const string sql = """
            INSERT INTO compose_services (deployment_id, service, position, image_tag, container_id, routed, state, reason, updated_at)
            VALUES (@deploymentId, @Service, @Position, @ImageTag, @ContainerId, @Routed, @State, @Reason, @now)
            ON CONFLICT (deployment_id, service) DO UPDATE SET
                position = excluded.position, image_tag = excluded.image_tag, container_id = excluded.container_id,
                routed = excluded.routed, state = excluded.state, reason = excluded.reason, updated_at = excluded.updated_at
            """;
        var reason = record.Reason is { Length: > MaxReasonLength } whole ? whole[..MaxReasonLength] : record.Reason;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            deploymentId,
            record.Service,
            record.Position,
            record.ImageTag,
            record.ContainerId,
            record.Routed,
            State = ToDb(record.State),
            Reason = reason,
            now = time.GetUtcNow(),
        }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ComposeServiceRecord>> ListServicesAsync(Guid deploymentId, CancellationToken ct = default)
    {
        const string sql = """
            SELECT service, position, image_tag, container_id, routed, state, reason
            FROM compose_services WHERE deployment_id = @deploymentId ORDER BY position, service
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<ServiceRow>(new CommandDefinition(sql, new { deploymentId }, cancellationToken: ct));
        return rows.Select(r => new ComposeServiceRecord(r.Service, r.Position, r.ImageTag, r.ContainerId, r.Routed, FromDb(r.State), r.Reason)).ToList();
    }

    internal static string ToDb(ComposeServiceState state) => state switch
    {
        ComposeServiceState.Pending => "pending",
        ComposeServiceState.Building => "building",
        ComposeServiceState.Pulling => "pulling",
        ComposeServiceState.Ready => "ready",
        ComposeServiceState.Starting => "starting",
        ComposeServiceState.Running => "running",
        ComposeServiceState.Completed => "completed",
        ComposeServiceState.Failed => "failed",
        ComposeServiceState.Removed => "removed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    internal static ComposeServiceState FromDb(string value) => value switch
    {
        "pending" => ComposeServiceState.Pending,
        "building" => ComposeServiceState.Building,
        "pulling" => ComposeServiceState.Pulling,
        "ready" => ComposeServiceState.Ready,
        "starting" => ComposeServiceState.Starting,
        "running" => ComposeServiceState.Running,
        "completed" => ComposeServiceState.Completed,
        "failed" => ComposeServiceState.Failed,
        "removed" => ComposeServiceState.Removed,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown compose service state in the database."),
    };

    private sealed record SnapshotRow(string ComposePath, string Files);

    private sealed record ServiceRow(string Service, int Position, string? ImageTag, string? ContainerId, bool Routed, string State, string? Reason);
}
