namespace GoForge.Core.Volumes;

/// <summary>What an application's mount is backed by.</summary>
public enum AppVolumeKind
{
    /// <summary>A named engine volume GoForge creates, labels and keeps (<see cref="Containers.EngineNames.AppVolume"/>).</summary>
    Volume,

    /// <summary>A folder of the host, mounted only while an administrator allows bind mounts for the application.</summary>
    Bind,
}

/// <summary>One persistent mount of an application (docs/deployments/volumes.md).</summary>
public sealed record AppVolume
{
    public required Guid Id { get; init; }

    public required Guid ApplicationId { get; init; }

    /// <summary>The name the user sees and types to confirm a delete; a slug, unique within the application.</summary>
    public required string Name { get; init; }

    /// <summary>Where it is mounted inside every container of the application; absolute and normalised.</summary>
    public required string MountPath { get; init; }

    public required AppVolumeKind Kind { get; init; }

    /// <summary>The host folder of a <see cref="AppVolumeKind.Bind"/> mount; null for a named volume.</summary>
    public string? HostPath { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What a user enters to add a mount. A null or empty <see cref="HostPath"/> asks for a named volume.</summary>
public sealed record AppVolumeInput
{
    public string? Name { get; set; }

    public string? MountPath { get; set; }

    public string? HostPath { get; set; }
}

/// <summary>A mount as listed: its size is the engine's (<c>/system/df</c>), null when unknown (a bind mount, or not created yet).</summary>
public sealed record AppVolumeView(AppVolume Volume, string? EngineName, long? SizeBytes);

/// <summary>The application's mounts and whether an administrator allows bind mounts for it.</summary>
public sealed record AppVolumeList(IReadOnlyList<AppVolumeView> Volumes, bool BindMountsAllowed);

/// <summary>An application's mounts and its bind-mount permission, in PostgreSQL.</summary>
public interface IAppVolumeRepository
{
    Task<IReadOnlyList<AppVolume>> ListAsync(Guid applicationId, CancellationToken ct = default);

    Task<AppVolume?> GetAsync(Guid id, CancellationToken ct = default);

    /// <summary>Adds the row; false when the application already has a mount of that name or mount path (a race with another add).</summary>
    Task<bool> AddAsync(AppVolume volume, CancellationToken ct = default);

    Task<bool> DeleteAsync(Guid id, CancellationToken ct = default);

    /// <summary>Whether an administrator allowed bind mounts for the application (false until one does).</summary>
    Task<bool> BindMountsAllowedAsync(Guid applicationId, CancellationToken ct = default);

    Task SetBindMountsAllowedAsync(Guid applicationId, bool allowed, Guid updatedBy, DateTimeOffset now, CancellationToken ct = default);
}

/// <summary>The size of each named volume on the engine, by name.</summary>
public interface IVolumeUsage
{
    /// <summary>Sizes in bytes of the volumes the engine reports (one <c>GET /system/df</c>); a volume it cannot size is absent.</summary>
    Task<IReadOnlyDictionary<string, long>> SizesAsync(CancellationToken ct = default);
}
