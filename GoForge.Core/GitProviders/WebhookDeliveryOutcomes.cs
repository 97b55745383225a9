using GoForge.Core.Operations;

namespace GoForge.Core.GitProviders;

/// <summary>The outcome tags of <c>goforge.webhook.deliveries</c>.</summary>
public static class WebhookDeliveryOutcomes
{
    /// <summary>Counts a webhook request from <paramref name="provider"/> answered with <paramref name="outcome"/>.</summary>
    public static void WebhookDelivery(this GoForgeMetrics metrics, WebhookProvider provider, string outcome)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.WebhookDelivery(provider.ToString().ToLowerInvariant(), outcome);
    }

    public const string Deployed = "deployed";
    public const string Ignored = "ignored";

    /// <summary>A redelivery of a delivery handled before: nothing done again.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Not authentic: no secret, or the signature does not match.</summary>
    public const string Rejected = "rejected";

    /// <summary>Authentic, but the deployment could not be queued.</summary>
    public const string Failed = "failed";

    /// <summary>Not a payload the provider sends (too large, unreadable, wrong media type).</summary>
    public const string Invalid = "invalid";

    /// <summary>The URL names no application.</summary>
    public const string NotFound = "not_found";

    public static string Of(WebhookOutcome outcome) => outcome switch
    {
        WebhookOutcome.Deployed => Deployed,
        WebhookOutcome.Ignored => Ignored,
        WebhookOutcome.Rejected => Rejected,
        WebhookOutcome.Failed => Failed,
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
