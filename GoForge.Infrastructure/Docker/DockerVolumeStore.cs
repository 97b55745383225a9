using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>Named volumes (a service's data), over the one cached client.</summary>
public sealed class DockerVolumeStore(DockerClientProvider docker, ILogger<DockerVolumeStore> logger) : IVolumeStore
{
    /// <summary>An unreachable engine, as the port's exception (<see cref="DockerErrors.GuardAsync{T}"/>).</summary>
    private static readonly Func<string, Exception, Exception> Unreachable = static (message, e) => new EngineException(message, e);

    public Task EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(EnsureVolumeCoreAsync(name, labels, ct), Unreachable);

    private async Task EnsureVolumeCoreAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labels);
        try
        {
            await docker.Client.Volumes.InspectAsync(name, ct);
            return; // kept from an earlier instance or version: its data is the point
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // Created below.
        }

        try
        {
            await docker.Client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Driver = "local", Labels = labels.ToDictionary() }, ct);
            logger.VolumeCreated(name);
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The volume {name} could not be created: {e.EngineMessage()}", e);
        }
    }

    public Task<IReadOnlyDictionary<string, string>?> GetLabelsAsync(string name, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(GetLabelsCoreAsync(name, ct), Unreachable);

    private async Task<IReadOnlyDictionary<string, string>?> GetLabelsCoreAsync(string name, CancellationToken ct)
    {
        try
        {
            var volume = await docker.Client.Volumes.InspectAsync(name, ct);
            return volume.Labels is { } labels ? labels.ToDictionary(StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return null;
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The volume {name} could not be inspected: {e.EngineMessage()}", e);
        }
    }

    public Task RemoveVolumeAsync(string name, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(RemoveVolumeCoreAsync(name, ct), Unreachable);

    private async Task RemoveVolumeCoreAsync(string name, CancellationToken ct)
    {
        try
        {
            await docker.Client.Volumes.RemoveAsync(name, false, ct);
            logger.VolumeRemoved(name);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // Already gone.
        }
        catch (DockerApiException e)
        {
            throw new EngineException($"The volume {name} could not be removed: {e.EngineMessage()}", e);
        }
    }

    public Task<IReadOnlyList<string>> ListVolumesAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ListVolumesCoreAsync(labelFilter, ct), Unreachable);

    private async Task<IReadOnlyList<string>> ListVolumesCoreAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labelFilter);
        var response = await docker.Client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = labelFilter.ToDictionary(l => $"{l.Key}={l.Value}", _ => true),
            },
        }, ct);
        return response.Volumes?.Select(v => v.Name).ToList() ?? [];
    }
}
