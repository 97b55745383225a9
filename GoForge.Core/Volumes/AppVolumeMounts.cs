using GoForge.Core.Containers;
using GoForge.Core.Projects;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Volumes;

/// <summary>
/// What a deployment mounts: each named volume ensured before the container starts (created with its owner labels, or
/// found carrying them), and each bind mount checked again (still allowed, still a permitted folder). A volume of the
/// name that is not provably this one is refused and the deployment fails; nothing is ever adopted
/// (docs/deployments/naming.md, docs/deployments/volumes.md).
/// </summary>
public sealed class AppVolumeMounts(IAppVolumeRepository repository, IVolumeStore volumes, InstallationIdentity installation, IOptions<AppVolumeOptions> options)
{
    /// <summary>The labels that prove an engine volume is this application volume's: installation, project, environment, app and volume ids.</summary>
    public static async Task<Dictionary<string, string>> OwnerAsync(InstallationIdentity installation, Application app, AppVolume volume, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(volume);
        return await installation.StampAsync(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.AppVolume,
            [GoForgeLabels.Project] = app.ProjectId.ToString(),
            [GoForgeLabels.Environment] = app.EnvironmentId.ToString(),
            [GoForgeLabels.App] = app.Id.ToString(),
            [GoForgeLabels.Volume] = volume.Id.ToString(),
        }, ct);
    }

    /// <summary>The application's mounts, ready for <see cref="ContainerSpec.Volumes"/>. Throws <see cref="EngineException"/> with the reason the deployment fails.</summary>
    public async Task<IReadOnlyList<ContainerVolume>> EnsureAsync(Application app, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var rows = await repository.ListAsync(app.Id, ct);
        if (rows.Count == 0)
        {
            return [];
        }

        var mounts = new List<ContainerVolume>();
        var bindAllowed = rows.Any(r => r.Kind == AppVolumeKind.Bind) && await repository.BindMountsAllowedAsync(app.Id, ct);
        foreach (var row in rows)
        {
            if (row.Kind == AppVolumeKind.Bind)
            {
                mounts.Add(CheckBind(row, bindAllowed));
                continue;
            }

            var name = EngineNames.AppVolume(row.Id, row.Name);
            var owner = await OwnerAsync(installation, app, row, ct);
            if (!await EnsureOwnedAsync(volumes, name, owner, ct))
            {
                throw new EngineException(
                    $"Docker volume {name} exists but is not owned by this application's volume {row.Name} (its labels do not name it); GoForge will not mount it. Remove or rename that volume.");
            }

            mounts.Add(new ContainerVolume(name, row.MountPath));
        }

        return mounts;
    }

    /// <summary>
    /// Creates volume <paramref name="name"/> with <paramref name="owner"/>'s labels unless it exists; true when the volume
    /// (made now or before) carries every one of them, false when a same-named volume is not provably this owner's.
    /// </summary>
    public static async Task<bool> EnsureOwnedAsync(IVolumeStore volumes, string name, IReadOnlyDictionary<string, string> owner, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        var labels = await volumes.GetLabelsAsync(name, ct);
        if (labels is null)
        {
            await volumes.EnsureVolumeAsync(name, owner, ct);
            // Checked again: a volume made meanwhile by someone else is kept by the engine's create as it is.
            labels = await volumes.GetLabelsAsync(name, ct);
        }

        return labels is not null && Containers.EnvironmentNetworks.IsOwnedBy(labels, owner);
    }

    private ContainerVolume CheckBind(AppVolume row, bool allowed)
    {
        if (!allowed)
        {
            throw new EngineException($"The bind mount {row.Name} ({row.HostPath}) is no longer allowed for this application; an administrator must allow bind mounts, or delete it.");
        }

        // The deny list and GoForge's folders may have changed since the row was saved.
        var errors = new Common.FieldErrors();
        var host = AppVolumeRules.NormalizeHostPath(row.HostPath, options.Value.ProtectedHostPaths, errors);
        if (host is null)
        {
            throw new EngineException($"The bind mount {row.Name} ({row.HostPath}) is refused: {errors.ToError().Message}");
        }

        return new ContainerVolume(host, row.MountPath) { Bind = true };
    }
}
