using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Volumes;

/// <summary>
/// An application's persistent mounts (docs/deployments/volumes.md). Everyone in the project lists them; maintainers
/// (the role that changes an application's settings) add and delete them; only an administrator allows bind mounts.
/// A delete names the volume, and removes its data on the engine before its row, so data is never orphaned unnoticed.
/// </summary>
public sealed class AppVolumeService(
    IAppVolumeRepository repository,
    ApplicationService applications,
    IVolumeStore volumes,
    IVolumeUsage usage,
    IApplicationTeardown teardown,
    InstallationIdentity installation,
    IDeclaredVolumeTeardown compose,
    IOptions<AppVolumeOptions> options,
    IAuditLog audit,
    TimeProvider time)
{
    private static readonly Error NotAdmin = Error.Forbidden("Only administrators allow bind mounts to host folders.");

    public async Task<Result<AppVolumeList>> ListAsync(Actor actor, Guid applicationId, bool withSizes = true, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var rows = await repository.ListAsync(applicationId, ct);
        // One /system/df for the whole list, only when asked: the engine sizes every volume it has to answer it.
        var sizes = withSizes && rows.Any(r => r.Kind == AppVolumeKind.Volume) ? await SizesOrEmptyAsync(ct) : new Dictionary<string, long>();
        var views = rows.Select(r =>
        {
            var name = r.Kind == AppVolumeKind.Volume ? EngineNames.AppVolume(r.Id, r.Name) : null;
            return new AppVolumeView(r, name, name is not null && sizes.TryGetValue(name, out var size) ? size : null);
        }).ToList();
        return new AppVolumeList(views, await repository.BindMountsAllowedAsync(applicationId, ct));
    }

    /// <summary>Adds a named volume, or a bind mount when <see cref="AppVolumeInput.HostPath"/> is set and an administrator allowed them. Mounted from the next deploy on.</summary>
    public async Task<Result<AppVolume>> AddAsync(Actor actor, Guid applicationId, AppVolumeInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var errors = new FieldErrors();
        AppVolumeRules.ValidateName(input.Name, errors);
        var mountPath = AppVolumeRules.NormalizeMountPath(input.MountPath, errors);
        var bind = !string.IsNullOrEmpty(input.HostPath);
        string? hostPath = null;
        if (bind)
        {
            if (!await repository.BindMountsAllowedAsync(applicationId, ct))
            {
                errors.Add(nameof(AppVolumeInput.HostPath), "Bind mounts to host folders are off for this application; an administrator can allow them.");
            }
            else
            {
                hostPath = AppVolumeRules.NormalizeHostPath(input.HostPath, options.Value.ProtectedHostPaths, errors);
            }
        }

        var existing = await repository.ListAsync(applicationId, ct);
        if (existing.Count >= AppVolumeRules.MaxVolumesPerApplication)
        {
            errors.Add(nameof(AppVolumeInput.Name), $"An application has at most {AppVolumeRules.MaxVolumesPerApplication} volumes.");
        }

        if (existing.Any(v => string.Equals(v.Name, input.Name, StringComparison.Ordinal)))
        {
            errors.Add(nameof(AppVolumeInput.Name), $"The application already has a volume named {input.Name}.");
        }

        if (mountPath is not null)
        {
            AppVolumeRules.CheckNoOverlap(mountPath, existing.Select(v => v.MountPath), errors);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var now = time.GetUtcNow();
        var volume = new AppVolume
        {
            Id = Guid.CreateVersion7(now),
            ApplicationId = applicationId,
            Name = input.Name!,
            MountPath = mountPath!,
            Kind = bind ? AppVolumeKind.Bind : AppVolumeKind.Volume,
            HostPath = hostPath,
            CreatedAt = now,
        };
        if (!await repository.AddAsync(volume, ct))
        {
            return Error.Conflict("The application already has a volume of that name or mount path.");
        }

        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.VolumeAdded, $"application:{app.Value.Slug}",
            bind ? $"{volume.Name} (bind {hostPath} at {mountPath})" : $"{volume.Name} at {mountPath}", ct);
        return volume;
    }

    /// <summary>
    /// Deletes the volume and its data when <paramref name="confirmName"/> is its name. The engine volume goes first; the
    /// engine refuses while a container (the running one) still mounts it, and then nothing is deleted. A bind mount's
    /// host folder is never touched: only the row goes.
    /// </summary>
    public async Task<Result> DeleteAsync(Actor actor, Guid volumeId, string? confirmName, CancellationToken ct = default)
    {
        var volume = await repository.GetAsync(volumeId, ct);
        if (volume is null)
        {
            return ProjectAccess.NotFound("volume");
        }

        var app = await applications.FindAsync(actor, volume.ApplicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error.Kind == ErrorKind.NotFound ? ProjectAccess.NotFound("volume") : app.Error;
        }

        if (!string.Equals(confirmName, volume.Name, StringComparison.Ordinal))
        {
            return Error.Validation("ConfirmName", $"Type the volume's name ({volume.Name}) to delete it and its data.");
        }

        if (volume.Kind == AppVolumeKind.Volume)
        {
            var removed = await RemoveEngineVolumeAsync(app.Value, volume, ct);
            if (!removed.IsSuccess)
            {
                return removed;
            }
        }

        await repository.DeleteAsync(volumeId, ct);
        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.VolumeDeleted, $"application:{app.Value.Slug}", volume.Name, ct);
        return Result.Success;
    }

    /// <summary>Allows or refuses bind mounts for one application: administrators only, audited. Refusing stops existing bind mounts from the next deploy on.</summary>
    public async Task<Result> SetBindMountsAllowedAsync(Actor actor, Guid applicationId, bool allowed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        await repository.SetBindMountsAllowedAsync(applicationId, allowed, actor.UserId, time.GetUtcNow(), ct);
        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.BindMountsChanged, $"application:{app.Value.Slug}",
            allowed ? "bind mounts allowed" : "bind mounts refused", ct);
        return Result.Success;
    }

    /// <summary>
    /// Deletes the application (<see cref="ApplicationService.DeleteAsync"/>); with <paramref name="deleteVolumes"/> its
    /// named volumes too, after its containers are gone and before its rows, so a failure leaves everything to retry.
    /// </summary>
    public async Task<Result> DeleteApplicationAsync(Actor actor, Guid applicationId, bool deleteVolumes, CancellationToken ct = default)
    {
        if (!deleteVolumes)
        {
            return await applications.DeleteAsync(actor, applicationId, ct);
        }

        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var down = await teardown.TearDownAsync([applicationId], ct);
        if (!down.IsSuccess)
        {
            return down;
        }

        foreach (var volume in (await repository.ListAsync(applicationId, ct)).Where(v => v.Kind == AppVolumeKind.Volume))
        {
            var removed = await RemoveEngineVolumeAsync(app.Value, volume, ct);
            if (!removed.IsSuccess)
            {
                return removed;
            }
        }

        // A compose application's named volumes are the file's, not rows: found by their owner labels.
        var composeVolumes = await compose.RemoveVolumesAsync(applicationId, ct);
        if (!composeVolumes.IsSuccess)
        {
            return composeVolumes;
        }

        return await applications.DeleteAsync(actor, applicationId, ct);
    }

    /// <summary>Removes the engine volume when its labels prove it is this volume's; a foreign volume of the name is left alone.</summary>
    private async Task<Result> RemoveEngineVolumeAsync(Application app, AppVolume volume, CancellationToken ct)
    {
        var name = EngineNames.AppVolume(volume.Id, volume.Name);
        try
        {
            var labels = await volumes.GetLabelsAsync(name, ct);
            if (labels is not null && EnvironmentNetworks.IsOwnedBy(labels, await AppVolumeMounts.OwnerAsync(installation, app, volume, ct)))
            {
                await volumes.RemoveVolumeAsync(name, ct);
            }
        }
        catch (EngineException e)
        {
            return Error.Conflict($"The volume {volume.Name} could not be removed ({e.Message}). A container still using it must stop first; nothing was deleted.");
        }

        return Result.Success;
    }

    private async Task<IReadOnlyDictionary<string, long>> SizesOrEmptyAsync(CancellationToken ct)
    {
        try
        {
            return await usage.SizesAsync(ct);
        }
        catch (EngineException)
        {
            // Sizes are a courtesy: an unreachable engine still lists the volumes.
            return new Dictionary<string, long>();
        }
    }
}
