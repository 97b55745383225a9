using GoForge.Core.Auditing;
using GoForge.Core.GitProviders;
using GoForge.Core.Projects;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Previews;

/// <summary>
/// The receiver's pull request deliveries, already verified with the application's own secret: decides with
/// <see cref="PreviewDecisions"/>, stores the preview, records what it did, and hands a closed preview to the teardown.
/// </summary>
public sealed partial class PullRequestPreviews(
    IPreviewRepository previews,
    PreviewTeardown teardown,
    PreviewDeployer deployer,
    IAuditLog audit,
    TimeProvider time,
    ILogger<PullRequestPreviews> logger) : IPullRequestEvents
{
    public async Task<PullRequestHandling> HandleAsync(Application app, WebhookProvider provider, WebhookEvent evt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(evt);
        var settings = await previews.GetSettingsAsync(app.Id, ct) ?? PreviewSettings.Off(app.Id);
        var existing = evt.PullRequest is { } pr ? await previews.FindAsync(app.Id, provider, pr.Number, ct) : null;
        var places = await previews.CountPlacesAsync(app.Id, existing?.Id, ct);
        var now = time.GetUtcNow();
        var decision = PreviewDecisions.Decide(app, settings, provider, evt, existing, places, now);
        if (decision.Outcome == WebhookOutcome.Rejected)
        {
            Log.Refused(logger, provider, evt.DeliveryKey, app.Id);
        }

        if (decision.Preview is not { } changed)
        {
            return new PullRequestHandling(decision.Outcome, decision.Reason);
        }

        var stored = await previews.SaveAsync(changed, ct);
        if (stored.State == PreviewState.Closed && existing?.State != PreviewState.Closed)
        {
            await teardown.TearDownAsync(app, stored, decision.Reason, ct);
        }
        else if (stored.State == PreviewState.Queued && (existing?.State != PreviewState.Queued || existing.HeadCommit != stored.HeadCommit))
        {
            await audit.RecordAsync(new AuditEvent
            {
                OccurredAt = now,
                Action = PreviewAuditActions.Queued,
                Target = $"application:{app.Slug}",
                ProjectId = app.ProjectId,
                Detail = $"#{stored.Number} {PreviewDecisions.Short(stored.HeadCommit)} ({provider} {evt.DeliveryKey})",
            }, ct);
            await deployer.QueueAsync(app, stored, requestedBy: null, ct);
        }

        Log.Decided(logger, provider, stored.Number, app.Id, stored.State);
        return new PullRequestHandling(decision.Outcome, decision.Reason);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7570, Level = LogLevel.Information, Message = "{Provider} pull request #{Number} of application {ApplicationId}: preview {State}")]
        public static partial void Decided(ILogger logger, WebhookProvider provider, int number, Guid applicationId, PreviewState state);

        [LoggerMessage(EventId = 7571, Level = LogLevel.Warning, Message = "{Provider} delivery {DeliveryKey} refused: its pull request is not for application {ApplicationId}'s repository")]
        public static partial void Refused(ILogger logger, WebhookProvider provider, string deliveryKey, Guid applicationId);
    }
}
