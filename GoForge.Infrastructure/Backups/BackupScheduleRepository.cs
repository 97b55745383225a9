using Dapper;
using GoForge.Core.Backups;
using Npgsql;

namespace GoForge.Infrastructure.Backups;

internal sealed class BackupScheduleRepository(NpgsqlDataSource dataSource) : IBackupScheduleRepository
{
    private const string Columns = "id, target_kind, target_id, project_id, destination_id, cron, keep_last, keep_days, enabled, last_scheduled_at, created_at, updated_at";

    public async Task<BackupSchedule?> GetByTargetAsync(Guid targetId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM backup_schedules WHERE target_id = @targetId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QuerySingleOrDefaultAsync<ScheduleRow>(new CommandDefinition(sql, new { targetId }, cancellationToken: ct)))?.ToModel();
    }

    public async Task SaveAsync(BackupSchedule schedule, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        const string sql = """
            INSERT INTO backup_schedules (id, target_kind, target_id, service_id, project_id, destination_id, cron, keep_last, keep_days, enabled, last_scheduled_at, created_at, updated_at)
            VALUES (@Id, @targetKind, @TargetId, @serviceId, @ProjectId, @DestinationId, @Cron, @KeepLast, @KeepDays, @Enabled, @LastScheduledAt, @CreatedAt, @UpdatedAt)
            ON CONFLICT (target_id) DO UPDATE SET destination_id = EXCLUDED.destination_id, cron = EXCLUDED.cron, keep_last = EXCLUDED.keep_last,
                keep_days = EXCLUDED.keep_days, enabled = EXCLUDED.enabled, last_scheduled_at = EXCLUDED.last_scheduled_at, updated_at = EXCLUDED.updated_at
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            schedule.Id,
            targetKind = BackupDb.TargetKindToDb(schedule.TargetKind),
            schedule.TargetId,
            serviceId = schedule.TargetKind == BackupTargetKind.Service ? schedule.TargetId : (Guid?)null,
            schedule.ProjectId,
            schedule.DestinationId,
            schedule.Cron,
            schedule.KeepLast,
            schedule.KeepDays,
            schedule.Enabled,
            schedule.LastScheduledAt,
            schedule.CreatedAt,
            schedule.UpdatedAt,
        }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<BackupSchedule>> ListEnabledAsync(CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM backup_schedules WHERE enabled ORDER BY created_at, id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ScheduleRow>(new CommandDefinition(sql, cancellationToken: ct))).Select(r => r.ToModel()).ToList();
    }

    public async Task<bool> TryMarkScheduledAsync(Guid id, DateTimeOffset? previous, DateTimeOffset occurrence, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE backup_schedules SET last_scheduled_at = @occurrence
            WHERE id = @id AND last_scheduled_at IS NOT DISTINCT FROM @previous
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, previous, occurrence }, cancellationToken: ct)) == 1;
    }

    private sealed record ScheduleRow(Guid Id, string TargetKind, Guid TargetId, Guid? ProjectId, Guid DestinationId, string Cron, int? KeepLast, int? KeepDays,
        bool Enabled, DateTimeOffset? LastScheduledAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public BackupSchedule ToModel() => new()
        {
            Id = Id,
            TargetKind = BackupDb.TargetKindFromDb(TargetKind),
            TargetId = TargetId,
            ProjectId = ProjectId,
            DestinationId = DestinationId,
            Cron = Cron,
            KeepLast = KeepLast,
            KeepDays = KeepDays,
            Enabled = Enabled,
            LastScheduledAt = LastScheduledAt,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
        };
    }
}
