using Dapper;
using GoForge.Core.Backups;
using Npgsql;

namespace GoForge.Infrastructure.Backups;

/// <summary>
/// The backup queue. A partial unique index keeps one queued-or-running run per target; claiming takes queued rows
/// oldest first with <c>FOR UPDATE SKIP LOCKED</c>, so two panels never take the same one.
/// </summary>
internal sealed class BackupRunRepository(NpgsqlDataSource dataSource) : IBackupRunRepository
{
    private const string Columns = """
        id, kind, target_kind, target_id, project_id, schedule_id, destination_id, destination_name, source_run_id, trigger, state,
        archive_key, engine, bytes, fingerprint::text AS fingerprint, verified, verification, error, requested_by, created_at, started_at, ended_at, pruned_at
        """;

    public async Task<bool> TryEnqueueAsync(BackupRun run, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        const string sql = """
            INSERT INTO backup_runs (id, kind, target_kind, target_id, project_id, schedule_id, destination_id, destination_name, source_run_id, trigger, state, archive_key, requested_by, created_at)
            VALUES (@Id, @kind, @targetKind, @TargetId, @ProjectId, @ScheduleId, @DestinationId, @DestinationName, @SourceRunId, @trigger, 'queued', @archiveKey, @RequestedBy, @CreatedAt)
            ON CONFLICT (target_id) WHERE state IN ('queued', 'running') DO NOTHING
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            run.Id,
            kind = run.Kind == BackupRunKind.Backup ? "backup" : "restore",
            targetKind = BackupDb.TargetKindToDb(run.TargetKind),
            run.TargetId,
            run.ProjectId,
            run.ScheduleId,
            run.DestinationId,
            run.DestinationName,
            run.SourceRunId,
            trigger = run.Trigger == BackupTrigger.Scheduled ? "scheduled" : "manual",
            // A restore names the archive it reads.
            archiveKey = run.Kind == BackupRunKind.Restore ? run.ArchiveKey : null,
            run.RequestedBy,
            run.CreatedAt,
        }, cancellationToken: ct)) == 1;
    }

    public async Task<BackupRun?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM backup_runs WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct)))?.ToModel();
    }

    public async Task<BackupRun?> GetInFlightAsync(Guid targetId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM backup_runs WHERE target_id = @targetId AND state IN ('queued', 'running')";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(sql, new { targetId }, cancellationToken: ct)))?.ToModel();
    }

    public async Task<IReadOnlyList<BackupRun>> ClaimAsync(int limit, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = $"""
            UPDATE backup_runs SET state = 'running', started_at = @now
            WHERE id IN (SELECT id FROM backup_runs WHERE state = 'queued'
                         ORDER BY created_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<RunRow>(new CommandDefinition(sql, new { limit = Math.Clamp(limit, 1, 100), now }, cancellationToken: ct));
        return rows.Select(r => r.ToModel()).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToList();
    }

    public async Task<bool> TryCompleteBackupAsync(Guid id, string archiveKey, string engine, long bytes, BackupFingerprint? fingerprint, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE backup_runs SET state = 'succeeded', archive_key = @archiveKey, engine = @engine, bytes = @bytes, fingerprint = @fingerprint::jsonb, ended_at = @now
            WHERE id = @id AND state = 'running'
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, archiveKey, engine, bytes, fingerprint = BackupDb.FingerprintToDb(fingerprint), now }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> TryCompleteRestoreAsync(Guid id, string engine, bool? verified, string verification, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE backup_runs SET state = 'succeeded', engine = @engine, verified = @verified, verification = @verification, ended_at = @now
            WHERE id = @id AND state = 'running'
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, engine, verified, verification = BackupDb.Bounded(verification, 4000), now }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> TryEndAsync(Guid id, BackupRunState state, string error, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE backup_runs SET state = @state, error = @error, ended_at = @now WHERE id = @id AND state IN ('queued', 'running')";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, state = BackupDb.StateToDb(state), error = BackupDb.Bounded(error), now }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> TryCancelQueuedAsync(Guid id, string error, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE backup_runs SET state = 'canceled', error = @error, ended_at = @now WHERE id = @id AND state = 'queued'";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, error = BackupDb.Bounded(error), now }, cancellationToken: ct)) == 1;
    }

    public async Task<IReadOnlyList<BackupRun>> ListRunningAsync(CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM backup_runs WHERE state = 'running' ORDER BY started_at, id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<RunRow>(new CommandDefinition(sql, cancellationToken: ct))).Select(r => r.ToModel()).ToList();
    }

    public async Task<IReadOnlyList<BackupRun>> EndRunningAsync(string error, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = $"""
            UPDATE backup_runs SET state = 'failed', error = @error, ended_at = @now
            WHERE state = 'running'
            RETURNING {Columns}
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<RunRow>(new CommandDefinition(sql, new { error = BackupDb.Bounded(error), now }, cancellationToken: ct))).Select(r => r.ToModel()).ToList();
    }

    public async Task<IReadOnlyList<BackupRun>> ListRecentAsync(Guid targetId, int limit, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM backup_runs WHERE target_id = @targetId ORDER BY created_at DESC, id DESC LIMIT @limit";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<RunRow>(new CommandDefinition(sql, new { targetId, limit = Math.Clamp(limit, 1, 500) }, cancellationToken: ct))).Select(r => r.ToModel()).ToList();
    }

    public async Task<IReadOnlyList<BackupRun>> ListKeptArchivesAsync(Guid targetId, Guid destinationId, CancellationToken ct = default)
    {
        const string sql = $"""
            SELECT {Columns} FROM backup_runs
            WHERE target_id = @targetId AND destination_id = @destinationId AND kind = 'backup' AND state = 'succeeded'
              AND archive_key IS NOT NULL AND pruned_at IS NULL
            ORDER BY ended_at DESC, id DESC
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<RunRow>(new CommandDefinition(sql, new { targetId, destinationId }, cancellationToken: ct))).Select(r => r.ToModel()).ToList();
    }

    public async Task MarkPrunedAsync(Guid id, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = "UPDATE backup_runs SET pruned_at = @now WHERE id = @id AND pruned_at IS NULL";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, now }, cancellationToken: ct));
    }

    private sealed record RunRow(Guid Id, string Kind, string TargetKind, Guid TargetId, Guid? ProjectId, Guid? ScheduleId, Guid? DestinationId, string DestinationName,
        Guid? SourceRunId, string Trigger, string State, string? ArchiveKey, string? Engine, long? Bytes, string? Fingerprint, bool? Verified, string? Verification,
        string? Error, Guid? RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? PrunedAt)
    {
        public BackupRun ToModel() => new()
        {
            Id = Id,
            Kind = Kind == "restore" ? BackupRunKind.Restore : BackupRunKind.Backup,
            TargetKind = BackupDb.TargetKindFromDb(TargetKind),
            TargetId = TargetId,
            ProjectId = ProjectId,
            ScheduleId = ScheduleId,
            DestinationId = DestinationId,
            DestinationName = DestinationName,
            SourceRunId = SourceRunId,
            Trigger = Trigger == "scheduled" ? BackupTrigger.Scheduled : BackupTrigger.Manual,
            State = BackupDb.StateFromDb(State),
            ArchiveKey = ArchiveKey,
            Engine = Engine,
            Bytes = Bytes,
            Fingerprint = BackupDb.FingerprintFromDb(Fingerprint),
            Verified = Verified,
            Verification = Verification,
            Error = Error,
            RequestedBy = RequestedBy,
            CreatedAt = CreatedAt,
            StartedAt = StartedAt,
            EndedAt = EndedAt,
            PrunedAt = PrunedAt,
        };
    }
}
