using System.Text;
using GoForge.Core.GitProviders;
using GoForge.Tests.GitProviders;

namespace GoForge.Tests.Previews;

/// <summary>
/// Pull request deliveries as each provider sends them: GitHub's and Gitea's <c>pull_request</c> and GitLab's
/// <c>Merge Request Hook</c> payload files in GitProviders/Payloads (after the providers' documented examples), with
/// the base and head repositories, action, number and head commit filled in, and signed like the real ones.
/// </summary>
internal static class PullRequestDeliveries
{
    public const string HeadSha = "b20867b14bb761a232cd80139fbd4c0d33264241";
    public const string PushedSha = "c30867b14bb761a232cd80139fbd4c0d33264242";

    public static string EventOf(WebhookProvider provider) => provider == WebhookProvider.GitLab ? "Merge Request Hook" : "pull_request";

    /// <summary>The provider's word for <paramref name="action"/>; GitHub and Gitea close a merged pull request with <c>closed</c> and <c>merged: true</c>.</summary>
    public static string ActionWord(WebhookProvider provider, PullRequestAction action) => (provider, action) switch
    {
        (WebhookProvider.GitLab, PullRequestAction.Opened) => "open",
        (WebhookProvider.GitLab, PullRequestAction.Reopened) => "reopen",
        (WebhookProvider.GitLab, PullRequestAction.Synchronized) => "update",
        (WebhookProvider.GitLab, PullRequestAction.Closed) => "close",
        (WebhookProvider.GitLab, PullRequestAction.Merged) => "merge",
        (WebhookProvider.GitHub, PullRequestAction.Synchronized) => "synchronize",
        (WebhookProvider.Gitea, PullRequestAction.Synchronized) => "synchronized",
        (_, PullRequestAction.Opened) => "opened",
        (_, PullRequestAction.Reopened) => "reopened",
        (_, PullRequestAction.Closed or PullRequestAction.Merged) => "closed",
        _ => "edited",
    };

    public static byte[] Body(WebhookProvider provider, PullRequestAction action, string baseUrl, string headUrl, int number, string headSha)
    {
        var file = provider switch
        {
            WebhookProvider.GitHub => "github-pull-request.json",
            WebhookProvider.GitLab => "gitlab-merge-request.json",
            _ => "gitea-pull-request.json",
        };
        var closed = action is PullRequestAction.Closed or PullRequestAction.Merged;
        var state = provider == WebhookProvider.GitLab
            ? action switch { PullRequestAction.Merged => "merged", PullRequestAction.Closed => "closed", _ => "opened" }
            : closed ? "closed" : "open";
        return Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "GitProviders", "Payloads", file))
            .Replace("{{clone_url}}", baseUrl, StringComparison.Ordinal)
            .Replace("{{head_clone_url}}", headUrl, StringComparison.Ordinal)
            .Replace("{{head_sha}}", headSha, StringComparison.Ordinal)
            .Replace("{{action}}", ActionWord(provider, action), StringComparison.Ordinal)
            .Replace("{{state}}", state, StringComparison.Ordinal)
            .Replace("{{merged}}", action == PullRequestAction.Merged ? "true" : "false", StringComparison.Ordinal)
            .Replace("{{number}}", number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    /// <summary>A signed delivery (unsigned with a null secret) of a pull request from <paramref name="headUrl"/> into <paramref name="baseUrl"/>.</summary>
    public static WebhookRequest Request(WebhookProvider provider, string? secret, PullRequestAction action, string baseUrl, string headUrl,
        int number = 7, string headSha = HeadSha, Guid? applicationId = null)
    {
        var body = Body(provider, action, baseUrl, headUrl, number, headSha);
        return new WebhookRequest(provider, WebhookDeliveries.Headers(provider, secret, body, EventOf(provider)), "application/json", body, applicationId);
    }
}
