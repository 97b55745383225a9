using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Volumes;

namespace GoForge.Core.Compose;

/// <summary>One routed service of a running set, and the container that serves it.</summary>
public sealed record ComposeServing(string Service, string ContainerId, string ContainerName);

/// <summary>
/// Points the routes of a running compose set back at its own containers (docs/deployments/compose-overview.md): after
/// a crash between a new set's route switch and its record as Running, the route still dials the new set's container,
/// which the reconciler removes. The port and domains come from the running deployment's stored file, read with today's
/// variables, exactly as an Apply reads them; no clone, no build.
/// </summary>
public sealed class ComposeRouteRepair(
    IApplicationRepository applications,
    IEnvironmentRepository environments,
    IEnvironmentVariableRepository variables,
    IComposeDeployments composeDeployments,
    IComposeLoader loader,
    IAppVolumeRepository appVolumes,
    ComposeRoutes routes)
{
    /// <summary>
    /// Routes each of <paramref name="serving"/> to its container; returns what was routed, or why nothing could be.
    /// Throws <see cref="Routing.ProxyException"/> or <see cref="Containers.EngineException"/> when the proxy or the engine refuses.
    /// </summary>
    public async Task<Common.Result<IReadOnlyList<string>>> RestoreAsync(Guid applicationId, Guid deploymentId, IReadOnlyList<ComposeServing> serving,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(serving);
        var app = await applications.GetAsync(applicationId, ct);
        var environment = app is null ? null : await environments.GetAsync(app.EnvironmentId, ct);
        var snapshot = await composeDeployments.GetSnapshotAsync(deploymentId, ct);
        if (app is null || environment is null || snapshot is null)
        {
            return Common.Error.NotFound($"deployment {deploymentId} of application {applicationId} kept no compose file to route from");
        }

        var project = loader.Read(snapshot, await variables.ListAsync(app.Id, ct), await appVolumes.BindMountsAllowedAsync(app.Id, ct));
        if (!project.IsSuccess)
        {
            return project.Error!;
        }

        var routed = new List<string>();
        foreach (var (service, containerId, containerName) in serving)
        {
            if (project.Value.Services.FirstOrDefault(s => string.Equals(s.Name, service, StringComparison.Ordinal)) is not { } declared)
            {
                continue;
            }

            var target = await routes.TargetAsync(app, environment, service, ComposeContainerSpecs.PortOf(declared, app), ct);
            if (!target.IsSuccess)
            {
                return target.Error!;
            }

            await routes.ApplyAsync(target.Value, containerId, containerName, ct);
            routed.Add($"{service} ({string.Join(", ", target.Value.Domains.Select(d => d.ToString()))}) to container {containerName}");
        }

        return Common.Result<IReadOnlyList<string>>.Ok(routed);
    }
}
