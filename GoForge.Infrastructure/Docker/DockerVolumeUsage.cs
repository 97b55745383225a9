using GoForge.Core.Volumes;
using GoForge.Infrastructure.Docker.Monitoring;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// Volume sizes from <c>GET /system/df?type=volume</c> (engines before API 1.42 ignore the type and answer everything).
/// The engine walks each local volume to size it, so the application page asks once per visit, not on every render.
/// </summary>
public sealed class DockerVolumeUsage(DockerClientProvider docker) : IVolumeUsage, IDisposable
{
    private readonly Lazy<EngineHttp> _http = new(() => new EngineHttp(docker.Endpoint));

    public async Task<IReadOnlyDictionary<string, long>> SizesAsync(CancellationToken ct = default)
    {
        try
        {
            using var df = await _http.Value.GetDiskUsageAsync("system/df?type=volume", ct);
            return DiskUsageMapping.VolumeSizes(df.RootElement);
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            throw DockerErrors.ToEngineException(e);
        }
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }
}
