using GoForge.Core.Containers;
using GoForge.Core.Projects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Deployments;

/// <summary>
/// Keeps an application's images for rollbacks and removes the rest: every image a deployment still needs (pending
/// rollback, deploying, running) plus the newest images that served, up to <see cref="DeploymentOptions.KeepImages"/>
/// in all. Only tags GoForge recorded for its own deployments are removed, and the engine adapter refuses any image
/// without GoForge's label; an image that cannot be removed (still used) stays and is tried again next time.
/// </summary>
public sealed partial class ImageRetention(
    IDeploymentRepository deployments,
    IContainerRuntime containers,
    IOptions<DeploymentOptions> options,
    TimeProvider time,
    ILogger<ImageRetention> logger)
{
    public async Task PruneAsync(Application app, Func<string, Task> log, CancellationToken ct)
    {
        var images = await deployments.ListImagesAsync(app.Id, ct);
        var keep = images.Where(i => !IsFinished(i.State)).Select(i => i.ImageTag).ToHashSet(StringComparer.Ordinal);
        foreach (var served in images.Where(i => i.Served).Select(i => i.ImageTag))
        {
            if (keep.Count >= options.Value.KeepImages)
            {
                break;
            }

            keep.Add(served);
        }

        foreach (var tag in images.Select(i => i.ImageTag).Distinct(StringComparer.Ordinal).Where(t => !keep.Contains(t) && t.StartsWith("goforge/", StringComparison.Ordinal)))
        {
            try
            {
                await containers.RemoveImageAsync(tag, ct);
                await deployments.MarkImagePrunedAsync(app.Id, tag, time.GetUtcNow(), ct);
                await log($"Removed old image {tag} (keeping {options.Value.KeepImages} per application)");
            }
            catch (EngineException e)
            {
                LogPruneFailed(logger, tag, e.EngineError);
            }
        }
    }

    private static bool IsFinished(DeploymentState state) =>
        state is DeploymentState.Failed or DeploymentState.Canceled or DeploymentState.Superseded or DeploymentState.RolledBack;

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Image {Tag} was not removed and is kept for now: {Reason}")]
    private static partial void LogPruneFailed(ILogger logger, string tag, string reason);
}
