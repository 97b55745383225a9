using GoForge.Core.Catalog;
using GoForge.Core.Containers;
using GoForge.Core.Projects;

namespace GoForge.Core.Services;

/// <summary>
/// A service's named volumes: named from the service's id (<see cref="EngineNames.ServiceVolume"/>) and labelled with
/// its owners, so a new service never mounts another's data, a deleted service's kept volumes included. A volume of
/// that name that is not labelled as this service's is refused, never mounted. A volume made before issue 17, under
/// the old slug-joined name, stays in use only when its labels prove it is this very service's (its id, project and
/// environment); anything else gets a new volume (docs/deployments/naming.md).
/// </summary>
public sealed class ServiceVolumes(IVolumeStore volumes, InstallationIdentity installation)
{
    /// <summary>The labels on a service's volumes: what proves they are its own.</summary>
    public static IReadOnlyDictionary<string, string> OwnerLabels(ServiceInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ServiceVolume,
            [GoForgeLabels.Service] = instance.Id.ToString(),
            [GoForgeLabels.Project] = instance.ProjectId.ToString(),
            [GoForgeLabels.Environment] = instance.EnvironmentId.ToString(),
        };
    }

    /// <summary>Makes sure each of the template's volumes exists and is this service's; the mounts. Throws <see cref="EngineException"/> on a foreign volume.</summary>
    public async Task<IReadOnlyList<ContainerVolume>> EnsureAsync(
        ServiceInstance instance, Project project, ProjectEnvironment environment, IReadOnlyList<TemplateVolume> templateVolumes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(templateVolumes);
        var owner = OwnerLabels(instance);
        var mounts = new List<ContainerVolume>();
        foreach (var volume in templateVolumes)
        {
            var legacy = EngineNames.Legacy.ServiceVolume(project.Slug, environment.Slug, instance.Slug, volume.Name);
            if (await volumes.GetLabelsAsync(legacy, ct) is { } legacyLabels && EnvironmentNetworks.IsOwnedBy(legacyLabels, LegacyOwner(instance)))
            {
                mounts.Add(new ContainerVolume(legacy, volume.MountPath));
                continue;
            }

            var name = EngineNames.ServiceVolume(instance.Id, volume.Name);
            var labels = await volumes.GetLabelsAsync(name, ct);
            if (labels is null)
            {
                await volumes.EnsureVolumeAsync(name, await installation.StampAsync(owner, ct), ct);
                // Checked again: a volume made meanwhile by someone else is reused by the engine's create as it is.
                labels = await volumes.GetLabelsAsync(name, ct);
            }

            if (labels is null || !EnvironmentNetworks.IsOwnedBy(labels, owner))
            {
                throw new EngineException(
                    $"Docker volume {name} exists but is not owned by this service (its labels do not name it); GoForge will not mount it. Remove or rename that volume.");
            }

            mounts.Add(new ContainerVolume(name, volume.MountPath));
        }

        return mounts;
    }

    /// <summary>What GoForge put on a service's volumes before they had a kind: the service, project and environment ids.</summary>
    private static Dictionary<string, string> LegacyOwner(ServiceInstance instance) => new(StringComparer.Ordinal)
    {
        [GoForgeLabels.Managed] = "true",
        [GoForgeLabels.Service] = instance.Id.ToString(),
        [GoForgeLabels.Project] = instance.ProjectId.ToString(),
        [GoForgeLabels.Environment] = instance.EnvironmentId.ToString(),
    };
}
