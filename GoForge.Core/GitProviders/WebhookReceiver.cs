using GoForge.Core.Common.Live;
using GoForge.Core.Deployments;
using GoForge.Core.Operations;
using GoForge.Core.Projects;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.GitProviders;

/// <summary>
/// Handles one webhook delivery: reads it, finds the application whose secret signed it, records it once per
/// delivery id, and queues a deployment of exactly the pushed commit when the push is to the application's branch.
/// It only queues: the answer goes back within milliseconds and the worker does the deployment.
/// </summary>
public sealed partial class WebhookReceiver(
    IWebhookRepository webhooks,
    IApplicationRepository applications,
    DeploymentService deployments,
    ChangeFeed<WebhookDelivery> feed,
    GoForgeMetrics metrics,
    TimeProvider time,
    ILogger<WebhookReceiver> logger,
    IPullRequestEvents? pullRequests = null)
{
    public async Task<WebhookResponse> ReceiveAsync(WebhookRequest request, CancellationToken ct = default)
    {
        var (response, outcome) = await HandleRequestAsync(request, ct);
        metrics.WebhookDelivery(request.Provider, outcome);
        return response;
    }

    private async Task<(WebhookResponse Response, string MetricOutcome)> HandleRequestAsync(WebhookRequest request, CancellationToken ct)
    {
        if (request.Body.Length > WebhookLimits.MaxBodyBytes)
        {
            return (new WebhookResponse(WebhookResponseStatus.TooLarge, $"The payload is larger than {WebhookLimits.MaxBodyBytes / (1024 * 1024)} MB."), WebhookDeliveryOutcomes.Invalid);
        }

        var (evt, refusal) = WebhookPayload.Read(request);
        if (evt is null)
        {
            return (refusal!, WebhookDeliveryOutcomes.Invalid);
        }

        var candidates = await CandidatesAsync(request, evt, ct);
        if (candidates is null)
        {
            return (new WebhookResponse(WebhookResponseStatus.NotFound, "No such application."), WebhookDeliveryOutcomes.NotFound);
        }

        var signature = request.Header(WebhookSignature.HeaderOf(request.Provider));
        foreach (var candidate in candidates)
        {
            var secret = await webhooks.GetSecretAsync(candidate.Id, ct);
            if (secret is not null && WebhookSignature.Verify(request.Provider, secret, request.Body.Span, signature))
            {
                return await HandleAsync(candidate, request.Provider, evt, ct);
            }
        }

        // Only a URL that names its application gets a rejected delivery recorded (so its owner sees why); a
        // request matched by repository alone could be anyone's, and recording it would let strangers fill lists.
        var reason = signature is null
            ? $"refused: the {WebhookSignature.HeaderOf(request.Provider)} header is missing"
            : $"refused: the {WebhookSignature.HeaderOf(request.Provider)} does not match the application's webhook secret";
        if (request.ApplicationId is not null && candidates.Count == 1)
        {
            var app = candidates[0];
            var hasSecret = await webhooks.GetSecretAsync(app.Id, ct) is not null;
            reason = hasSecret ? reason : "refused: the application has no webhook secret; create one on its Webhooks panel";
            var stored = await webhooks.RecordRejectedAsync(NewDelivery(app.Id, request.Provider, evt, WebhookOutcome.Rejected, reason), ct);
            feed.Publish(stored);
        }

        Log.Rejected(logger, request.Provider, evt.DeliveryKey, candidates.Count);
        return (new WebhookResponse(WebhookResponseStatus.Unauthorized, Capitalize(reason) + "."), WebhookDeliveryOutcomes.Rejected);
    }

    /// <summary>The application the URL names (null when there is none), or every application with a secret for the payload's repository.</summary>
    private async Task<IReadOnlyList<Application>?> CandidatesAsync(WebhookRequest request, WebhookEvent evt, CancellationToken ct)
    {
        if (request.ApplicationId is { } id)
        {
            var app = await applications.GetAsync(id, ct);
            return app is null ? null : [app];
        }

        var keys = evt.RepositoryUrls.Select(RepositoryUrl.Key).Where(k => k is not null).ToHashSet(StringComparer.Ordinal);
        var matches = new List<Application>();
        foreach (var target in await webhooks.ListTargetsAsync(ct))
        {
            if (RepositoryUrl.Key(target.GitUrl) is { } key && keys.Contains(key) && await applications.GetAsync(target.ApplicationId, ct) is { } app)
            {
                matches.Add(app);
            }
        }

        return matches;
    }

    private async Task<(WebhookResponse Response, string MetricOutcome)> HandleAsync(Application app, WebhookProvider provider, WebhookEvent evt, CancellationToken ct)
    {
        // Decided before anything is written, so the delivery, its outcome and the deployment it queues are stored
        // together (one round trip); a redelivery of a handled delivery changes nothing but its count.
        var (outcome, reason, queue) = evt.Kind == WebhookEventKind.PullRequest
            ? await DecidePullRequestAsync(app, provider, evt, ct)
            : Decide(app, provider, evt);
        var recorded = await webhooks.RecordAsync(NewDelivery(app.Id, provider, evt, outcome, reason), time.GetUtcNow() - WebhookLimits.StaleClaim, queue, ct);
        feed.Publish(recorded.Delivery);
        if (!recorded.Claimed)
        {
            var earlier = recorded.Delivery.DeploymentId is { } id ? $" (deployment {id})" : string.Empty;
            return (new WebhookResponse(WebhookResponseStatus.Ok, $"Delivery {evt.DeliveryKey} was handled already{earlier}; nothing done again.", recorded.Delivery.DeploymentId),
                WebhookDeliveryOutcomes.Duplicate);
        }

        if (recorded.Queued is { } queued)
        {
            deployments.Announce(queued);
        }

        Log.Handled(logger, provider, evt.DeliveryKey, app.Id, outcome);
        var response = outcome switch
        {
            WebhookOutcome.Deployed => new WebhookResponse(WebhookResponseStatus.Accepted, Capitalize(reason) + ".", recorded.Queued?.Deployment.Id),
            WebhookOutcome.Failed => new WebhookResponse(WebhookResponseStatus.Failed, Capitalize(reason) + "."),
            WebhookOutcome.Rejected => new WebhookResponse(WebhookResponseStatus.Forbidden, Capitalize(reason) + "."),
            _ => new WebhookResponse(WebhookResponseStatus.Ok, Capitalize(reason) + "."),
        };
        return (response, WebhookDeliveryOutcomes.Of(outcome));
    }

    /// <summary>A pull request event goes to the preview deployments (docs/decisions/previews.md); it never deploys the application itself.</summary>
    private async Task<(WebhookOutcome Outcome, string Reason, DeploymentQueueing? Queue)> DecidePullRequestAsync(Application app, WebhookProvider provider, WebhookEvent evt, CancellationToken ct)
    {
        if (pullRequests is null)
        {
            return (WebhookOutcome.Ignored, "pull request events are not handled by this panel", null);
        }

        var handled = await pullRequests.HandleAsync(app, provider, evt, ct);
        return (handled.Outcome, handled.Reason, null);
    }

    /// <summary>What the delivery comes to, and the deployment to queue when it deploys; writes nothing.</summary>
    private (WebhookOutcome Outcome, string Reason, DeploymentQueueing? Queue) Decide(Application app, WebhookProvider provider, WebhookEvent evt)
    {
        if (evt.Kind == WebhookEventKind.Ping)
        {
            return (WebhookOutcome.Ignored, "ping received; the webhook is set up", null);
        }

        if (evt.Kind == WebhookEventKind.Other)
        {
            return (WebhookOutcome.Ignored, $"'{evt.Event}' events do not deploy; only pushes do", null);
        }

        if (evt.RepositoryUrls.Count > 0 && !RepositoryUrl.Matches(app.GitUrl, evt.RepositoryUrls))
        {
            return (WebhookOutcome.Ignored, $"the push is to {evt.RepositoryUrls[0]}, not to this application's repository {app.GitUrl}", null);
        }

        if (evt.Ref is not null && evt.Ref.StartsWith(WebhookEvent.TagPrefix, StringComparison.Ordinal))
        {
            return (WebhookOutcome.Ignored, $"tag push ({evt.Ref[WebhookEvent.TagPrefix.Length..]}); only branch pushes deploy", null);
        }

        if (evt.Branch is not { } branch)
        {
            return (WebhookOutcome.Ignored, $"the push names no branch (ref '{evt.Ref}')", null);
        }

        if (!string.Equals(branch, app.Branch, StringComparison.Ordinal))
        {
            return (WebhookOutcome.Ignored, $"pushed to '{branch}'; this application deploys '{app.Branch}'", null);
        }

        if (evt.Deleted)
        {
            return (WebhookOutcome.Ignored, $"branch '{branch}' was deleted; nothing to deploy", null);
        }

        if (!app.AutoDeploy)
        {
            return (WebhookOutcome.Ignored, "auto-deploy is off for this application", null);
        }

        var queued = deployments.PrepareForPush(app, evt.After ?? string.Empty, $"{provider} push {evt.DeliveryKey}");
        return queued.IsSuccess
            ? (WebhookOutcome.Deployed, $"queued a deployment of {evt.After![..12]} on '{branch}'", queued.Value)
            : (WebhookOutcome.Failed, $"the deployment could not be queued: {queued.Error.Message}", null);
    }

    private WebhookDelivery NewDelivery(Guid applicationId, WebhookProvider provider, WebhookEvent evt, WebhookOutcome outcome, string? reason)
    {
        var now = time.GetUtcNow();
        return new WebhookDelivery
        {
            Id = Guid.CreateVersion7(now),
            ApplicationId = applicationId,
            Provider = provider,
            DeliveryKey = evt.DeliveryKey,
            Event = evt.Event,
            ReceivedAt = now,
            LastReceivedAt = now,
            Outcome = outcome,
            Reason = reason,
            GitRef = Truncate(evt.Ref, 255),
            CommitSha = evt.After is { Length: 40 or 64 } sha && sha.All(char.IsAsciiHexDigit) ? sha.ToLowerInvariant() : null,
        };
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "{Provider} delivery {DeliveryKey} for application {ApplicationId}: {Outcome}")]
        public static partial void Handled(ILogger logger, WebhookProvider provider, string deliveryKey, Guid applicationId, WebhookOutcome outcome);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "{Provider} delivery {DeliveryKey} refused: no secret of {Candidates} candidate application(s) verifies it")]
        public static partial void Rejected(ILogger logger, WebhookProvider provider, string deliveryKey, int candidates);
    }
}
