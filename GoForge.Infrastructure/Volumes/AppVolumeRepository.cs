using Dapper;
using GoForge.Core.Volumes;
using Npgsql;

namespace GoForge.Infrastructure.Volumes;

internal sealed class AppVolumeRepository(NpgsqlDataSource dataSource) : IAppVolumeRepository
{
    private const string Columns = "id, application_id, name, mount_path, kind, host_path, created_at";

    public async Task<IReadOnlyList<AppVolume>> ListAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM application_volumes WHERE application_id = @applicationId ORDER BY name";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<VolumeRow>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return rows.Select(r => r.ToModel()).ToList();
    }

    public async Task<AppVolume?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM application_volumes WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<VolumeRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row?.ToModel();
    }

    public async Task<bool> AddAsync(AppVolume volume, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        const string sql = """
            INSERT INTO application_volumes (id, application_id, name, mount_path, kind, host_path, created_at)
            VALUES (@Id, @ApplicationId, @Name, @MountPath, @Kind, @HostPath, @CreatedAt)
            ON CONFLICT DO NOTHING
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            volume.Id,
            volume.ApplicationId,
            volume.Name,
            volume.MountPath,
            Kind = volume.Kind == AppVolumeKind.Bind ? "bind" : "volume",
            volume.HostPath,
            volume.CreatedAt,
        }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM application_volumes WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> BindMountsAllowedAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = "SELECT allow_bind_mounts FROM application_mount_settings WHERE application_id = @applicationId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool?>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct)) ?? false;
    }

    public async Task SetBindMountsAllowedAsync(Guid applicationId, bool allowed, Guid updatedBy, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO application_mount_settings (application_id, allow_bind_mounts, updated_by, updated_at)
            VALUES (@applicationId, @allowed, @updatedBy, @now)
            ON CONFLICT (application_id) DO UPDATE SET allow_bind_mounts = @allowed, updated_by = @updatedBy, updated_at = @now
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { applicationId, allowed, updatedBy, now }, cancellationToken: ct));
    }

    private sealed record VolumeRow(Guid Id, Guid ApplicationId, string Name, string MountPath, string Kind, string? HostPath, DateTimeOffset CreatedAt)
    {
        public AppVolume ToModel() => new()
        {
            Id = Id,
            ApplicationId = ApplicationId,
            Name = Name,
            MountPath = MountPath,
            Kind = Kind == "bind" ? AppVolumeKind.Bind : AppVolumeKind.Volume,
            HostPath = HostPath,
            CreatedAt = CreatedAt,
        };
    }
}
