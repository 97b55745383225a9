using GoForge.Core.Projects;

namespace GoForge.Core.GitProviders;

/// <summary>What an authentic pull request delivery came to; <see cref="WebhookOutcome.Rejected"/> refuses it (answered 403).</summary>
public sealed record PullRequestHandling(WebhookOutcome Outcome, string Reason);

/// <summary>
/// The preview deployments' side of a pull request delivery whose signature the receiver verified with the
/// application's own secret. A port, so GitProviders does not depend on the feature that implements it (Previews).
/// </summary>
public interface IPullRequestEvents
{
    Task<PullRequestHandling> HandleAsync(Application app, WebhookProvider provider, WebhookEvent evt, CancellationToken ct = default);
}
