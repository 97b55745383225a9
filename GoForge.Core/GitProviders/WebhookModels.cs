using GoForge.Core.Common.Live;

namespace GoForge.Core.GitProviders;

/// <summary>The Git hosts whose push webhooks GoForge understands; each has its own endpoint, headers and signature.</summary>
public enum WebhookProvider
{
    GitHub,
    GitLab,
    Gitea,
}

/// <summary>What became of a delivery. Only <see cref="Deployed"/> and <see cref="Ignored"/> are final: a redelivery of the others is handled again.</summary>
public enum WebhookOutcome
{
    /// <summary>Claimed and being handled: written by versions that stored the outcome in a second step; a redelivery takes over one older than <see cref="WebhookLimits.StaleClaim"/>.</summary>
    Received,

    /// <summary>A deployment of the pushed commit was queued.</summary>
    Deployed,

    /// <summary>Authentic, and nothing to do (ping, another branch, a tag, a deletion, auto-deploy off).</summary>
    Ignored,

    /// <summary>Not authentic (no secret, missing or wrong signature), or not readable; or authentic but refused (a pull request event for another repository).</summary>
    Rejected,

    /// <summary>Authentic, but queuing the deployment failed.</summary>
    Failed,
}

/// <summary>A webhook request as the endpoint received it: the raw body (signatures cover its exact bytes) and the headers.</summary>
/// <param name="ApplicationId">The <c>app</c> query parameter of the webhook URL, when the URL names one.</param>
public sealed record WebhookRequest(
    WebhookProvider Provider,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    Guid? ApplicationId)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the endpoint answers; the HTTP status follows from <see cref="Status"/>.</summary>
public sealed record WebhookResponse(WebhookResponseStatus Status, string Message, Guid? DeploymentId = null);

public enum WebhookResponseStatus
{
    /// <summary>202: a deployment was queued.</summary>
    Accepted,

    /// <summary>200: handled with nothing to do, or a redelivery of a handled delivery.</summary>
    Ok,

    /// <summary>400: the body or a header is not what the provider sends.</summary>
    BadRequest,

    /// <summary>401: no secret, or the signature or token does not match.</summary>
    Unauthorized,

    /// <summary>404: the URL names no application.</summary>
    NotFound,

    /// <summary>413: larger than <see cref="WebhookLimits.MaxBodyBytes"/>.</summary>
    TooLarge,

    /// <summary>415: neither JSON nor a form.</summary>
    UnsupportedMediaType,

    /// <summary>500: the deployment could not be queued.</summary>
    Failed,

    /// <summary>403: authentic, but refused (a pull request event for another repository than the application's).</summary>
    Forbidden,
}

public static class WebhookLimits
{
    /// <summary>GitHub caps payloads at 25 MB and does not deliver larger ones; nothing larger is read.</summary>
    public const int MaxBodyBytes = 25 * 1024 * 1024;

    /// <summary>Deliveries kept per application (newest first); older ones are pruned as new ones arrive.</summary>
    public const int KeptDeliveries = 100;

    /// <summary>A claim older than this with no outcome is from a panel that stopped mid-delivery; a redelivery takes it over.</summary>
    public static readonly TimeSpan StaleClaim = TimeSpan.FromSeconds(30);
}

/// <summary>One delivery as the Webhooks panel lists it; stored or changed ones are pushed through a <see cref="ChangeFeed{TChange}"/> keyed by application.</summary>
public sealed record WebhookDelivery : IFeedChange
{
    Guid IFeedChange.FeedKey => ApplicationId;

    public required Guid Id { get; init; }

    public required Guid ApplicationId { get; init; }

    public required WebhookProvider Provider { get; init; }

    /// <summary>The provider's delivery id (X-GitHub-Delivery, X-Gitea-Delivery, GitLab's Idempotency-Key), or <c>sha256:</c> of the body when it sent none.</summary>
    public required string DeliveryKey { get; init; }

    /// <summary>The provider's event name (push, ping, Push Hook, ...).</summary>
    public required string Event { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required WebhookOutcome Outcome { get; init; }

    /// <summary>Why, in words: "pushed to 'dev'; this application deploys 'main'".</summary>
    public string? Reason { get; init; }

    public string? GitRef { get; init; }

    public string? CommitSha { get; init; }

    public Guid? DeploymentId { get; init; }

    /// <summary>How many times the same delivery came again after the first.</summary>
    public int Redeliveries { get; init; }

    public required DateTimeOffset LastReceivedAt { get; init; }
}
