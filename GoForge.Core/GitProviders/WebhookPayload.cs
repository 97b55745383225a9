using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GoForge.Core.GitProviders;

public enum WebhookEventKind
{
    /// <summary>GitHub's ping when a hook is created or tested.</summary>
    Ping,

    /// <summary>A push of commits, a branch creation or deletion, or a tag push.</summary>
    Push,

    /// <summary>Anything else (issues, releases, Gitea's create/delete, ...): acknowledged and ignored.</summary>
    Other,

    /// <summary>A pull (merge) request event: read into <see cref="WebhookEvent.PullRequest"/> for preview deployments.</summary>
    PullRequest,
}

/// <summary>What a delivery says, read from the provider's headers and JSON, before anyone trusts it.</summary>
/// <param name="Event">The provider's event name, as sent.</param>
/// <param name="DeliveryKey">The provider's delivery id, or <c>sha256:</c> of the body when there is none.</param>
/// <param name="Ref">The pushed ref (<c>refs/heads/main</c>, <c>refs/tags/v1</c>).</param>
/// <param name="After">The commit the ref points to after the push; all zeros for a deletion.</param>
/// <param name="RepositoryUrls">Every URL the payload names the repository by (https, ssh, git, web).</param>
public sealed record WebhookEvent(
    string Event,
    WebhookEventKind Kind,
    string DeliveryKey,
    string? Ref,
    string? After,
    bool Deleted,
    IReadOnlyList<string> RepositoryUrls)
{
    public const string BranchPrefix = "refs/heads/";
    public const string TagPrefix = "refs/tags/";

    public string? Branch => Ref is not null && Ref.StartsWith(BranchPrefix, StringComparison.Ordinal) ? Ref[BranchPrefix.Length..] : null;

    /// <summary>For <see cref="WebhookEventKind.PullRequest"/>: what the pull request event says (null when the payload lacks it).</summary>
    public PullRequestEvent? PullRequest { get; init; }
}

/// <summary>Reads a delivery's headers and body (JSON, or GitHub's <c>payload=</c> form) into a <see cref="WebhookEvent"/>.</summary>
public static class WebhookPayload
{
    private const int MaxDeliveryKeyLength = 200;
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };

    private static readonly string[] GitHubUrlFields = ["clone_url", "ssh_url", "git_url", "html_url", "url", "svn_url"];
    private static readonly string[] GitLabUrlFields = ["git_http_url", "git_ssh_url", "http_url", "ssh_url", "web_url", "url", "homepage"];

    public static string EventHeaderOf(WebhookProvider provider) => provider switch
    {
        WebhookProvider.GitHub => "X-GitHub-Event",
        WebhookProvider.GitLab => "X-Gitlab-Event",
        WebhookProvider.Gitea => "X-Gitea-Event",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>The delivery id headers, in order of preference (GitLab 17.4+ sends Idempotency-Key, the same on every retry).</summary>
    public static IReadOnlyList<string> DeliveryHeadersOf(WebhookProvider provider) => provider switch
    {
        WebhookProvider.GitHub => ["X-GitHub-Delivery"],
        WebhookProvider.GitLab => ["Idempotency-Key", "X-Gitlab-Event-UUID", "X-Gitlab-Webhook-UUID"],
        WebhookProvider.Gitea => ["X-Gitea-Delivery"],
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>The event, or the response that refuses the request (415 for another media type, 400 for an unreadable body).</summary>
    public static (WebhookEvent? Event, WebhookResponse? Refusal) Read(WebhookRequest request)
    {
        var json = JsonBody(request.ContentType, request.Body.Span, out var mediaRefusal);
        if (json is null)
        {
            return (null, mediaRefusal);
        }

        var name = request.Header(EventHeaderOf(request.Provider))?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !IsPrintableAscii(name))
        {
            return (null, Bad($"The {EventHeaderOf(request.Provider)} header is missing."));
        }

        var key = DeliveryKey(request);
        if (key is null)
        {
            return (null, Bad("The delivery id header is too long or not printable."));
        }

        try
        {
            using var doc = JsonDocument.Parse(json, JsonOptions);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Bad("The payload is not a JSON object."));
            }

            return (Parse(request.Provider, name, key, doc.RootElement), null);
        }
        catch (JsonException)
        {
            return (null, Bad("The payload is not valid JSON."));
        }
    }

    private static WebhookEvent Parse(WebhookProvider provider, string name, string key, JsonElement root)
    {
        var kind = (provider, name) switch
        {
            (WebhookProvider.GitHub, "ping") => WebhookEventKind.Ping,
            (WebhookProvider.GitHub or WebhookProvider.Gitea, "push") => WebhookEventKind.Push,
            (WebhookProvider.GitLab, "Push Hook" or "Tag Push Hook") => WebhookEventKind.Push,
            _ when PullRequestPayload.IsPullRequestEvent(provider, name) => WebhookEventKind.PullRequest,
            _ => WebhookEventKind.Other,
        };
        var after = String(root, "after");
        var deleted = (root.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True)
            || (after is not null && after.Length > 0 && after.All(c => c == '0'));
        var urls = provider == WebhookProvider.GitLab
            ? Urls(root, "project", GitLabUrlFields).Concat(Urls(root, "repository", GitLabUrlFields))
            : Urls(root, "repository", GitHubUrlFields);
        return new WebhookEvent(name, kind, key, String(root, "ref"), after, deleted, urls.Distinct(StringComparer.Ordinal).ToList())
        {
            PullRequest = kind == WebhookEventKind.PullRequest ? PullRequestPayload.Read(provider, root) : null,
        };
    }

    private static byte[]? JsonBody(string? contentType, ReadOnlySpan<byte> body, out WebhookResponse? refusal)
    {
        refusal = null;
        var mediaType = contentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        switch (mediaType)
        {
            case "application/json":
                return body.ToArray();
            case "application/x-www-form-urlencoded":
                // GitHub's (and Gitea's) form content type: payload=<url-encoded JSON>; the signature covers the form bytes.
                foreach (var pair in Encoding.UTF8.GetString(body).Split('&'))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0 && pair[..eq] == "payload")
                    {
                        return Encoding.UTF8.GetBytes(System.Net.WebUtility.UrlDecode(pair[(eq + 1)..]));
                    }
                }

                refusal = Bad("The form has no payload field.");
                return null;
            default:
                refusal = new WebhookResponse(WebhookResponseStatus.UnsupportedMediaType, "Send the payload as application/json or application/x-www-form-urlencoded.");
                return null;
        }
    }

    private static string? DeliveryKey(WebhookRequest request)
    {
        foreach (var header in DeliveryHeadersOf(request.Provider))
        {
            if (request.Header(header)?.Trim() is { Length: > 0 } value)
            {
                return value.Length <= MaxDeliveryKeyLength && IsPrintableAscii(value) ? value : null;
            }
        }

        // Without an id, the same body is the same delivery.
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(request.Body.Span));
    }

    private static IEnumerable<string> Urls(JsonElement root, string objectName, string[] fields)
    {
        if (!root.TryGetProperty(objectName, out var obj) || obj.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var field in fields)
        {
            if (String(obj, field) is { Length: > 0 and <= 4096 } url)
            {
                yield return url;
            }
        }
    }

    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsPrintableAscii(string value) => value.All(c => c is >= ' ' and <= '~');

    private static WebhookResponse Bad(string message) => new(WebhookResponseStatus.BadRequest, message);
}
