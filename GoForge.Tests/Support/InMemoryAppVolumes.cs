using System.Collections.Concurrent;
using GoForge.Core.Volumes;

namespace GoForge.Tests.Support;

/// <summary>Application volume rows in memory, for component tests (the real repository is covered on PostgreSQL).</summary>
internal sealed class InMemoryAppVolumeRepository : IAppVolumeRepository
{
    private readonly ConcurrentDictionary<Guid, AppVolume> _volumes = new();
    private readonly ConcurrentDictionary<Guid, bool> _bindAllowed = new();

    public Task<IReadOnlyList<AppVolume>> ListAsync(Guid applicationId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<AppVolume>>(_volumes.Values.Where(v => v.ApplicationId == applicationId).OrderBy(v => v.Name, StringComparer.Ordinal).ToList());

    public Task<AppVolume?> GetAsync(Guid id, CancellationToken ct = default) => Task.FromResult(_volumes.GetValueOrDefault(id));

    public Task<bool> AddAsync(AppVolume volume, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        lock (_volumes)
        {
            var clash = _volumes.Values.Any(v => v.ApplicationId == volume.ApplicationId && (v.Name == volume.Name || v.MountPath == volume.MountPath));
            return Task.FromResult(!clash && _volumes.TryAdd(volume.Id, volume));
        }
    }

    public Task<bool> DeleteAsync(Guid id, CancellationToken ct = default) => Task.FromResult(_volumes.TryRemove(id, out _));

    public Task<bool> BindMountsAllowedAsync(Guid applicationId, CancellationToken ct = default) => Task.FromResult(_bindAllowed.GetValueOrDefault(applicationId));

    public Task SetBindMountsAllowedAsync(Guid applicationId, bool allowed, Guid updatedBy, DateTimeOffset now, CancellationToken ct = default)
    {
        _bindAllowed[applicationId] = allowed;
        return Task.CompletedTask;
    }
}

/// <summary>An engine that sizes no volume.</summary>
internal sealed class NoVolumeUsage : IVolumeUsage
{
    public Task<IReadOnlyDictionary<string, long>> SizesAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>());
}
