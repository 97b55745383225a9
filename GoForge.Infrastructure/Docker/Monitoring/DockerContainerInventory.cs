using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Monitoring;
using GoForge.Core.Services;

namespace GoForge.Infrastructure.Docker.Monitoring;

/// <summary>GoForge's containers as the engine sees them: listed by the managed label, read one by one with an inspect.</summary>
public sealed class DockerContainerInventory(DockerClientProvider docker) : IContainerInventory
{
    public const string ApplicationLabel = DockerContainerRuntime.ImageOwnerLabel;
    public const string DeploymentLabel = GoForgeLabels.Deployment;

    public async Task<IReadOnlyList<ContainerSnapshot>> ListManagedAsync(CancellationToken ct = default)
    {
        IList<ContainerListResponse> listed;
        try
        {
            listed = await docker.Client.Containers.ListContainersAsync(
                new ContainersListParameters
                {
                    All = true,
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = new Dictionary<string, bool> { [$"{DockerContainerRuntime.ManagedLabel}=true"] = true },
                    },
                },
                ct);
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            throw DockerErrors.ToEngineException(e);
        }

        var snapshots = new List<ContainerSnapshot>(listed.Count);
        foreach (var container in listed)
        {
            // One removed between the list and its inspect is simply no longer there.
            if (await InspectAsync(container.ID, ct) is { } snapshot)
            {
                snapshots.Add(snapshot);
            }
        }

        return snapshots;
    }

    public async Task<ContainerSnapshot?> InspectAsync(string containerId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        try
        {
            return ToSnapshot(await docker.Client.Containers.InspectContainerAsync(containerId, ct));
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return null;
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            throw DockerErrors.ToEngineException(e);
        }
    }

    internal static ContainerSnapshot ToSnapshot(ContainerInspectResponse container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var labels = container.Config?.Labels is { } found
            ? new Dictionary<string, string>(found, StringComparer.Ordinal)
            : new Dictionary<string, string>();
        var state = container.State;
        return new ContainerSnapshot
        {
            Id = container.ID,
            Name = (container.Name ?? string.Empty).TrimStart('/'),
            Image = !string.IsNullOrEmpty(container.Config?.Image) ? container.Config.Image : container.Image ?? string.Empty,
            State = ToRunState(state),
            Health = ToHealth(state?.Health?.Status),
            ExitCode = state is null ? 0 : (int)state.ExitCode,
            StartedAt = EngineTime.ParseOptional(state?.StartedAt),
            FinishedAt = EngineTime.ParseOptional(state?.FinishedAt),
            RestartCount = (int)container.RestartCount,
            ApplicationId = GuidLabel(labels, ApplicationLabel),
            DeploymentId = GuidLabel(labels, DeploymentLabel),
            ServiceId = GuidLabel(labels, ServiceLabels.Service),
            Labels = labels,
        };
    }

    private static ContainerRunState ToRunState(State? state) => state?.Status switch
    {
        "created" => ContainerRunState.Created,
        "running" => ContainerRunState.Running,
        "restarting" => ContainerRunState.Restarting,
        "paused" => ContainerRunState.Paused,
        "removing" => ContainerRunState.Removing,
        "exited" => ContainerRunState.Exited,
        "dead" => ContainerRunState.Dead,
        // Engines older than the Status field: the booleans say the same.
        _ when state is null => ContainerRunState.Removed,
        _ when state.Restarting => ContainerRunState.Restarting,
        _ when state.Paused => ContainerRunState.Paused,
        _ when state.Running => ContainerRunState.Running,
        _ when state.Dead => ContainerRunState.Dead,
        _ => ContainerRunState.Exited,
    };

    private static ContainerHealthState ToHealth(string? status) => status switch
    {
        "starting" => ContainerHealthState.Starting,
        "healthy" => ContainerHealthState.Healthy,
        "unhealthy" => ContainerHealthState.Unhealthy,
        _ => ContainerHealthState.None,
    };

    private static Guid? GuidLabel(Dictionary<string, string> labels, string key) =>
        labels.TryGetValue(key, out var value) && Guid.TryParse(value, out var id) ? id : null;
}
