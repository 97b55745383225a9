using System.Text;
using GoForge.Core.GitProviders;

namespace GoForge.Tests.GitProviders;

/// <summary>
/// Deliveries as each provider sends them: the payload files in Payloads/ (written after the examples in GitHub's,
/// GitLab's and Gitea's webhook documentation) with the repository URL and commit filled in, the provider's event,
/// delivery id and signature headers, signed here with the given secret.
/// </summary>
internal static class WebhookDeliveries
{
    public const string SomeSha = "a10867b14bb761a232cd80139fbd4c0d33264240";

    public static byte[] Payload(string file, string cloneUrl, string after = SomeSha) =>
        Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "GitProviders", "Payloads", file))
            .Replace("{{clone_url}}", cloneUrl, StringComparison.Ordinal)
            .Replace("{{after}}", after, StringComparison.Ordinal));

    /// <summary>The push payload file of <paramref name="provider"/>.</summary>
    public static string PushFile(WebhookProvider provider) => provider switch
    {
        WebhookProvider.GitHub => "github-push.json",
        WebhookProvider.GitLab => "gitlab-push.json",
        WebhookProvider.Gitea => "gitea-push.json",
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public static string PushEvent(WebhookProvider provider) => provider == WebhookProvider.GitLab ? "Push Hook" : "push";

    public static Dictionary<string, string> Headers(WebhookProvider provider, string? secret, byte[] body, string evt, string? deliveryId = null)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [WebhookPayload.EventHeaderOf(provider)] = evt,
            [WebhookPayload.DeliveryHeadersOf(provider)[0]] = deliveryId ?? Guid.NewGuid().ToString(),
            ["User-Agent"] = provider switch
            {
                WebhookProvider.GitHub => "GitHub-Hookshot/044aadd",
                WebhookProvider.GitLab => "GitLab/18.6.0",
                _ => "Go-http-client/1.1",
            },
        };
        if (secret is not null)
        {
            headers[WebhookSignature.HeaderOf(provider)] = WebhookSignature.Sign(provider, secret, body);
        }

        return headers;
    }

    public static WebhookRequest Push(WebhookProvider provider, string? secret, string cloneUrl, string after = SomeSha, Guid? applicationId = null, string? deliveryId = null)
    {
        var body = Payload(PushFile(provider), cloneUrl, after);
        return new WebhookRequest(provider, Headers(provider, secret, body, PushEvent(provider), deliveryId), "application/json", body, applicationId);
    }

    /// <summary>GitHub's push with the ref changed (another branch, a tag) or marked as a deletion.</summary>
    public static WebhookRequest GitHubPush(string? secret, string cloneUrl, string gitRef, bool deleted = false, string after = SomeSha, Guid? applicationId = null)
    {
        var text = Encoding.UTF8.GetString(Payload("github-push.json", cloneUrl, deleted ? new string('0', 40) : after))
            .Replace("\"ref\": \"refs/heads/main\"", $"\"ref\": \"{gitRef}\"", StringComparison.Ordinal)
            .Replace("\"deleted\": false", $"\"deleted\": {(deleted ? "true" : "false")}", StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(text);
        return new WebhookRequest(WebhookProvider.GitHub, Headers(WebhookProvider.GitHub, secret, body, "push"), "application/json", body, applicationId);
    }
}
