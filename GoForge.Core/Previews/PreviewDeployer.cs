using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Previews;

/// <summary>
/// Turns a preview stored as <see cref="PreviewState.Queued"/> into a deployment of its head commit in the preview's
/// own lane (docs/decisions/previews.md). Every path that queues a preview (a pull request event, an approval, a
/// redeploy, a freed place) comes through here, after the fork boundary decided it may be built.
/// </summary>
public sealed partial class PreviewDeployer(DeploymentService deployments, IPreviewRepository previews, ILogger<PreviewDeployer> logger)
{
    /// <summary>Queues the deployment when <paramref name="preview"/> is queued; a head that is not a full sha fails the preview with the reason.</summary>
    public async Task QueueAsync(Application app, Preview preview, Guid? requestedBy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(preview);
        if (preview.State != PreviewState.Queued)
        {
            return;
        }

        var queued = await deployments.QueuePreviewAsync(app, preview.Id, preview.HeadCommit, requestedBy, ct);
        if (!queued.IsSuccess)
        {
            await previews.SetOutcomeAsync(preview.Id, preview.HeadCommit, PreviewState.Failed, queued.Error!.Message, ct);
            return;
        }

        Log.Queued(logger, preview.Number, app.Id, queued.Value.Id);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7576, Level = LogLevel.Information, Message = "Preview of pull request #{Number} of application {ApplicationId}: deployment {DeploymentId} queued")]
        public static partial void Queued(ILogger logger, int number, Guid applicationId, Guid deploymentId);
    }
}
