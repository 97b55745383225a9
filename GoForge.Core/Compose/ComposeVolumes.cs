using GoForge.Core.Deployments;
using GoForge.Core.Containers;
using GoForge.Core.Volumes;

namespace GoForge.Core.Compose;

/// <summary>
/// A compose application's named volumes: <c>goforge-cvol-&lt;app id&gt;-&lt;name&gt;</c>, created with the application's
/// owner labels, or found carrying them; a same-named volume that is not provably this application's is refused and
/// the deployment fails (as for an application's volumes, <see cref="AppVolumeMounts"/>). They outlive deployments:
/// every deployment of the application mounts the same ones.
/// </summary>
public sealed class ComposeVolumes(IVolumeStore volumes, InstallationIdentity installation)
{
    /// <summary>The engine's volume name of each of the file's volumes. Throws <see cref="EngineException"/> for a volume that is not this application's.</summary>
    internal async Task<IReadOnlyDictionary<string, string>> EnsureAsync(ComposeRun run, ComposeProject project, CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in project.Volumes)
        {
            var name = EngineNames.ComposeVolume(run.App.Id, volume);
            var owner = await installation.StampAsync(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [GoForgeLabels.Managed] = "true",
                [GoForgeLabels.Kind] = GoForgeLabels.Kinds.ComposeVolume,
                [GoForgeLabels.Project] = run.App.ProjectId.ToString(),
                [GoForgeLabels.Environment] = run.App.EnvironmentId.ToString(),
                [GoForgeLabels.App] = run.App.Id.ToString(),
                [GoForgeLabels.ComposeVolume] = volume,
            }, ct);
            if (!await AppVolumeMounts.EnsureOwnedAsync(volumes, name, owner, ct))
            {
                throw new EngineException(
                    $"Docker volume {name} exists but is not owned by this application's compose volume {volume} (its labels do not name it); GoForge will not mount it. Remove or rename that volume.");
            }

            names[volume] = name;
        }

        return names;
    }

    /// <summary>A service's mounts: the file's named volumes by their engine names, and (admin-allowed) host folders as they are.</summary>
    internal static IReadOnlyList<ContainerVolume> MountsOf(ComposeService service, IReadOnlyDictionary<string, string> engineNames) =>
        service.Volumes.Select(m => m.Bind
            ? new ContainerVolume(m.Source, m.Target) { Bind = true, ReadOnly = m.ReadOnly }
            : new ContainerVolume(engineNames[m.Source], m.Target) { ReadOnly = m.ReadOnly }).ToList();
}
