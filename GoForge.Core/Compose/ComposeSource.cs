using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Volumes;

namespace GoForge.Core.Compose;

/// <summary>
/// Where a compose deployment's services come from: a fresh clone (the file read, checked and stored with the
/// deployment), or an earlier deployment's stored file read again with today's variables and its services' images
/// (a rollback, an Apply, the reconciler's recovery: no clone, no build).
/// </summary>
public sealed class ComposeSource(
    RepositoryClone clone,
    IComposeLoader loader,
    IComposeDeployments composeDeployments,
    IDeploymentRepository deployments,
    IAppVolumeRepository appVolumes)
{
    /// <summary>Clones the commit and reads its compose file; null (with every problem logged) when the file is refused.</summary>
    internal async Task<ComposePlan?> FromCloneAsync(ComposeRun run, CancellationToken ct)
    {
        var commit = await clone.CloneAsync(run.Deployment, run.App, run.Variables, run.WorkDirectory, run.Log, ct);
        var composePath = run.App.ComposePath ?? "compose.yaml";
        var allowBind = await appVolumes.BindMountsAllowedAsync(run.App.Id, ct);
        var loaded = await loader.LoadAsync(run.WorkDirectory, composePath, run.Variables, allowBind, ct);
        if (!loaded.IsSuccess)
        {
            await RefusedAsync(run, composePath, loaded.Error!);
            return null;
        }

        await composeDeployments.SaveSnapshotAsync(run.Deployment.Id, loaded.Value.Snapshot, ct);
        run.Log.Write($"Read {composePath}: {loaded.Value.Project.Services.Count} service(s), {string.Join(", ", loaded.Value.Project.Services.Select(s => s.Name))}");
        return new ComposePlan(loaded.Value.Project, commit.Sha, null, null);
    }

    /// <summary>
    /// The set of deployment <paramref name="source"/> again: its stored file read with today's variables, and each
    /// service's image as that deployment ran it. Null (logged) when the file no longer reads or an image is gone.
    /// </summary>
    internal async Task<ComposePlan?> FromDeploymentAsync(ComposeRun run, Deployment source, CancellationToken ct)
    {
        var snapshot = await composeDeployments.GetSnapshotAsync(source.Id, ct);
        if (snapshot is null)
        {
            await run.Log.WriteAsync($"Deployment {source.Id} kept no compose file to start again");
            return null;
        }

        var allowBind = await appVolumes.BindMountsAllowedAsync(run.App.Id, ct);
        var read = loader.Read(snapshot, run.Variables, allowBind);
        if (!read.IsSuccess)
        {
            await RefusedAsync(run, snapshot.ComposePath, read.Error!);
            return null;
        }

        var rows = await composeDeployments.ListServicesAsync(source.Id, ct);
        var images = rows.Where(r => r.ImageTag is not null).ToDictionary(r => r.Service, r => r.ImageTag!, StringComparer.Ordinal);
        var missing = read.Value.Services.Where(s => !images.ContainsKey(s.Name)).Select(s => s.Name).ToList();
        if (missing.Count > 0)
        {
            await run.Log.WriteAsync($"Deployment {source.Id} has no image for service(s) {string.Join(", ", missing)}");
            return null;
        }

        await composeDeployments.SaveSnapshotAsync(run.Deployment.Id, snapshot, ct);
        return new ComposePlan(read.Value, source.CommitSha, images, source);
    }

    /// <summary>The deployment a rollback, a recovery or an Apply starts again.</summary>
    internal async Task<Deployment?> SourceOfAsync(Deployment deployment, CancellationToken ct)
    {
        if (deployment.RollbackOf is { } target)
        {
            return await deployments.GetAsync(target, ct);
        }

        var running = await deployments.ListRunningAsync(deployment.ApplicationId, ct);
        return running.Count > 0 ? running[^1] : null;
    }

    private static async Task RefusedAsync(ComposeRun run, string composePath, Error error)
    {
        await run.Log.WriteAsync($"{composePath} is refused:");
        if (error.FieldErrors.Count == 0)
        {
            await run.Log.WriteAsync("  " + error.Message);
        }

        foreach (var (key, messages) in error.FieldErrors)
        {
            foreach (var message in messages)
            {
                await run.Log.WriteAsync($"  {key}: {message}");
            }
        }
    }
}

/// <summary>
/// The services to deploy. <paramref name="KeptImages"/>: each service's image when an earlier deployment's set is
/// started again (<paramref name="From"/>); null when the images are built and pulled now.
/// </summary>
internal sealed record ComposePlan(ComposeProject Project, string? CommitSha, IReadOnlyDictionary<string, string>? KeptImages, Deployment? From);
