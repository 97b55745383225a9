using GoForge.Core.Auditing;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Previews;

/// <summary>
/// What closing a preview does besides storing it Closed: stops its deployments, removes its route, containers and
/// images (<see cref="RemoveLeftoversAsync"/>), records the teardown, and gives the place it held to the oldest preview
/// of the application waiting as <see cref="PreviewState.LimitReached"/> (new previews wait rather than stop someone's;
/// docs/decisions/previews.md). The removal is idempotent: a closed preview that still holds anything (a crash cut the
/// teardown short, or the proxy or engine failed) is swept again by <see cref="PreviewIdleCleanup"/> on every pass.
/// </summary>
public sealed partial class PreviewTeardown(
    IPreviewRepository previews,
    IDeploymentRepository deployments,
    DeploymentService deploymentService,
    DeploymentStates states,
    IContainerRuntime containers,
    IProxyRoutes proxy,
    PreviewDeployer deployer,
    IAuditLog audit,
    TimeProvider time,
    ILogger<PreviewTeardown> logger)
{
    private const int AllDeployments = 500;

    public async Task TearDownAsync(Application app, Preview closed, string why, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(closed);
        var now = time.GetUtcNow();
        await RemoveLeftoversAsync(app, closed, ct);
        await audit.RecordAsync(new AuditEvent
        {
            OccurredAt = now,
            Action = PreviewAuditActions.TornDown,
            Target = $"application:{app.Slug}",
            ProjectId = app.ProjectId,
            Detail = $"#{closed.Number}: {why}",
        }, ct);
        await PromoteWaitingAsync(app, ct);
    }

    /// <summary>
    /// Stops the preview's deployments that have not ended, takes its route away, removes its containers (found by the
    /// <c>goforge.preview</c> label, so one a cut-short step lost track of goes too), ends its running deployments as
    /// superseded, and removes its images. True when everything is gone; false when the proxy or the engine failed (logged;
    /// the next pass retries).
    /// </summary>
    public async Task<bool> RemoveLeftoversAsync(Application app, Preview preview, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(preview);
        var why = $"the preview of pull request #{preview.Number} was closed";
        var own = await deployments.ListByPreviewAsync(preview.Id, AllDeployments, ct);
        foreach (var working in own.Where(d => d.State == DeploymentState.Pending || d.State.IsInProgress()))
        {
            await deploymentService.StopPreviewDeploymentAsync(working, why, ct);
        }

        try
        {
            // The route first: traffic stops reaching the preview before its container stops.
            await proxy.RemoveAsync(preview.Id, ct);
            foreach (var container in await containers.ListContainersAsync(new Dictionary<string, string> { [GoForgeLabels.Preview] = preview.Id.ToString() }, ct))
            {
                await containers.StopAndRemoveAsync(container, ct);
            }
        }
        catch (Exception e) when (e is ProxyException or EngineException or HttpRequestException)
        {
            Log.RemovalFailed(logger, preview.Number, app.Id, e.Message);
            return false;
        }

        foreach (var running in own.Where(d => d.State == DeploymentState.Running))
        {
            await states.TransitionAsync(running.Id, DeploymentTrigger.Supersede, TransitionRequest.System(why), ct);
        }

        foreach (var tag in own.Select(d => d.ImageTag).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            try
            {
                await containers.RemoveImageAsync(tag, ct);
            }
            catch (EngineException e)
            {
                // Gone already, or used elsewhere: it takes disk, not traffic, and is not retried forever.
                Log.ImageKept(logger, tag, e.EngineError);
            }

            await deployments.MarkImagePrunedAsync(app.Id, tag, time.GetUtcNow(), ct);
        }

        return true;
    }

    /// <summary>Queues the oldest waiting preview when a place is free.</summary>
    public async Task PromoteWaitingAsync(Application app, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = await previews.GetSettingsAsync(app.Id, ct);
        if (settings is not { Enabled: true } || await previews.OldestWaitingAsync(app.Id, ct) is not { } waiting)
        {
            return;
        }

        var places = await previews.CountPlacesAsync(app.Id, waiting.Id, ct);
        var queued = PreviewDecisions.Queue(waiting, settings, places, time.GetUtcNow(), out _);
        if (queued.State == PreviewState.Queued)
        {
            await deployer.QueueAsync(app, await previews.SaveAsync(queued, ct), requestedBy: null, ct);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7574, Level = LogLevel.Warning, Message = "The route or containers of preview #{Number} of application {ApplicationId} could not be removed; the next clean-up pass retries: {Reason}")]
        public static partial void RemovalFailed(ILogger logger, int number, Guid applicationId, string reason);

        [LoggerMessage(EventId = 7575, Level = LogLevel.Warning, Message = "Image {Tag} of a closed preview was not removed: {Reason}")]
        public static partial void ImageKept(ILogger logger, string tag, string reason);
    }
}
