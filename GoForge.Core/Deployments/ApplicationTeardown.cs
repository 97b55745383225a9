using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Deployments;

/// <summary>
/// Takes away what deployments left on the proxy and the engine for applications about to be deleted: their routes,
/// their containers (found by the <c>goforge.app</c> label, so a container a failed step lost track of goes too) and
/// their images, their pull request previews' included. Runs before the rows are deleted, because the image tags are known only from the deployment rows,
/// and every step is idempotent: when the proxy or the engine fails, the caller keeps the rows and the user deletes
/// again, which finishes the job; after the rows are gone there would be nothing left to retry from.
/// </summary>
public sealed partial class ApplicationTeardown(
    IProxyRoutes proxy,
    IContainerRuntime containers,
    IDeploymentRepository deployments,
    IServiceSetTeardown compose,
    ILogger<ApplicationTeardown> logger) : IApplicationTeardown
{
    private const int RecentDeployments = 50;

    /// <inheritdoc />
    public async Task<Result> TearDownAsync(IReadOnlyCollection<Guid> applicationIds, CancellationToken ct)
    {
        var deployed = new List<Guid>();
        var composeSets = new Dictionary<Guid, ServiceSetRemains>();
        var previewDeployments = new Dictionary<Guid, IReadOnlyList<Deployment>>();
        foreach (var id in applicationIds)
        {
            // A deployment past Pending would start a container (and route it) after its containers were listed.
            // Its pull request previews' deployments too: their containers, routes and images go with the application.
            var previews = previewDeployments[id] = await deployments.ListPreviewDeploymentsAsync(id, ct);
            var recent = (await deployments.ListByApplicationAsync(id, RecentDeployments, ct)).Concat(previews).ToList();
            if (recent.Any(d => d.State.IsInProgress()))
            {
                return Error.Conflict("A deployment is in progress; cancel it or wait for it to end, then delete again.");
            }

            // Containers and routes come only after an image: an application none of whose deployments got one never
            // had either, and deleting it needs neither the engine nor the proxy.
            // A compose deployment keeps its images and containers on its service rows, not on the deployment row.
            var sets = await compose.FindAsync(id, ct);
            if (!sets.IsEmpty)
            {
                composeSets[id] = sets;
            }

            if (!sets.IsEmpty || recent.Any(d => d.ImageTag is not null || d.ContainerId is not null))
            {
                deployed.Add(id);
            }
        }

        foreach (var id in deployed)
        {
            try
            {
                // The route first: traffic stops reaching the application before its containers stop.
                await proxy.RemoveAsync(id, ct);
                foreach (var previewId in previewDeployments[id].Select(d => d.PreviewId).OfType<Guid>().Distinct())
                {
                    await proxy.RemoveAsync(previewId, ct);
                }

                if (composeSets.TryGetValue(id, out var routedSets))
                {
                    await compose.RemoveRoutesAsync(id, routedSets, ct);
                }

                foreach (var container in await containers.ListContainersAsync(new Dictionary<string, string> { [GoForgeLabels.App] = id.ToString() }, ct))
                {
                    await containers.StopAndRemoveAsync(container, ct);
                }

                if (composeSets.ContainsKey(id))
                {
                    await compose.RemoveNetworkAsync(id, ct);
                }
            }
            // The Docker adapter lets an unreachable engine's HttpRequestException through.
            catch (Exception e) when (e is ProxyException or EngineException or HttpRequestException)
            {
                LogTeardownFailed(logger, id, e.Message);
                return Error.Conflict($"The application's route or containers could not be removed ({e.Message}); nothing was deleted, delete again to retry.");
            }

            IEnumerable<string> composeTags = composeSets.TryGetValue(id, out var imaged) ? imaged.ImageTags : [];
            var previewTags = previewDeployments[id].Select(d => d.ImageTag).OfType<string>();
            foreach (var tag in (await deployments.ListImagesAsync(id, ct)).Select(i => i.ImageTag).Concat(composeTags).Concat(previewTags).Distinct(StringComparer.Ordinal))
            {
                try
                {
                    await containers.RemoveImageAsync(tag, ct);
                }
                catch (EngineException e)
                {
                    // An image still used elsewhere (or not GoForge's) is left alone: it takes disk, not traffic.
                    LogImageKept(logger, tag, e.EngineError);
                }
            }
        }

        return Result.Success;
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Tearing down application {ApplicationId} failed: {Reason}")]
    private static partial void LogTeardownFailed(ILogger logger, Guid applicationId, string reason);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "Image {Tag} of a deleted application was not removed: {Reason}")]
    private static partial void LogImageKept(ILogger logger, string tag, string reason);
}
