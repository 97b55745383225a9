using System.Text.Json;

namespace GoForge.Core.GitProviders;

/// <summary>What a pull (merge) request event asks for, in one vocabulary for the three providers.</summary>
public enum PullRequestAction
{
    /// <summary>GitHub and Gitea <c>opened</c>, GitLab <c>open</c>.</summary>
    Opened,

    /// <summary>GitHub and Gitea <c>reopened</c>, GitLab <c>reopen</c>.</summary>
    Reopened,

    /// <summary>New commits on the head: GitHub <c>synchronize</c>, Gitea <c>synchronized</c>, GitLab <c>update</c> (which also fires for edits; the head commit tells them apart).</summary>
    Synchronized,

    /// <summary>Closed without merging.</summary>
    Closed,

    /// <summary>Merged (GitHub's and Gitea's <c>closed</c> with <c>merged: true</c>, GitLab's <c>merge</c>).</summary>
    Merged,

    /// <summary>Anything else (edited, labeled, approved, ...): acknowledged, the preview's title is kept current.</summary>
    Other,
}

/// <summary>
/// A pull request event as the payload states it, before anyone trusts it. <see cref="BaseRepositoryUrls"/> name the
/// repository the pull request wants to merge into, <see cref="HeadRepositoryUrls"/> the one its commits come from
/// (a fork's when they differ).
/// </summary>
public sealed record PullRequestEvent(
    PullRequestAction Action,
    string ActionName,
    int Number,
    string Title,
    string Author,
    string? HeadRef,
    string? HeadCommit,
    IReadOnlyList<string> HeadRepositoryUrls,
    IReadOnlyList<string> BaseRepositoryUrls);

/// <summary>Reads GitHub's and Gitea's <c>pull_request</c> and GitLab's <c>Merge Request Hook</c> payloads (their documented shapes).</summary>
public static class PullRequestPayload
{
    private const int MaxText = 500;
    private static readonly string[] GitHubUrlFields = ["clone_url", "ssh_url", "git_url", "html_url", "svn_url"];
    private static readonly string[] GitLabUrlFields = ["git_http_url", "git_ssh_url", "http_url", "ssh_url", "web_url"];

    /// <summary>True when <paramref name="eventName"/> is the provider's pull (merge) request event.</summary>
    public static bool IsPullRequestEvent(WebhookProvider provider, string eventName) => (provider, eventName) switch
    {
        (WebhookProvider.GitHub or WebhookProvider.Gitea, "pull_request") => true,
        (WebhookProvider.GitLab, "Merge Request Hook") => true,
        _ => false,
    };

    /// <summary>The event, or null when the payload lacks what every pull request event carries (a number, a head).</summary>
    public static PullRequestEvent? Read(WebhookProvider provider, JsonElement root) =>
        provider == WebhookProvider.GitLab ? ReadGitLab(root) : ReadGitHubLike(root);

    private static PullRequestEvent? ReadGitHubLike(JsonElement root)
    {
        if (!root.TryGetProperty("pull_request", out var pr) || pr.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var number = Int(root, "number") ?? Int(pr, "number");
        var action = String(root, "action") ?? string.Empty;
        var merged = pr.TryGetProperty("merged", out var m) && m.ValueKind == JsonValueKind.True;
        var kind = action switch
        {
            "opened" => PullRequestAction.Opened,
            "reopened" => PullRequestAction.Reopened,
            "synchronize" or "synchronized" => PullRequestAction.Synchronized,
            "closed" => merged ? PullRequestAction.Merged : PullRequestAction.Closed,
            _ => PullRequestAction.Other,
        };
        var head = Object(pr, "head");
        var baseSide = Object(pr, "base");
        if (number is not > 0 || head is null)
        {
            return null;
        }

        var headUrls = Urls(Object(head.Value, "repo"), GitHubUrlFields);
        var baseUrls = baseSide is { } b ? Urls(Object(b, "repo"), GitHubUrlFields) : [];
        return new PullRequestEvent(kind, action, number.Value, Text(String(pr, "title")), Text(String(Object(pr, "user"), "login")),
            String(head.Value, "ref"), Sha(String(head.Value, "sha")), headUrls, baseUrls);
    }

    private static PullRequestEvent? ReadGitLab(JsonElement root)
    {
        if (Object(root, "object_attributes") is not { } attributes)
        {
            return null;
        }

        var action = String(attributes, "action") ?? string.Empty;
        var kind = action switch
        {
            "open" => PullRequestAction.Opened,
            "reopen" => PullRequestAction.Reopened,
            "update" => PullRequestAction.Synchronized,
            "close" => PullRequestAction.Closed,
            "merge" => PullRequestAction.Merged,
            _ => PullRequestAction.Other,
        };
        var number = Int(attributes, "iid");
        if (number is not > 0)
        {
            return null;
        }

        var author = String(Object(root, "user"), "username") ?? string.Empty;
        return new PullRequestEvent(kind, action, number.Value, Text(String(attributes, "title")), Text(author),
            String(attributes, "source_branch"), Sha(String(Object(attributes, "last_commit"), "id")),
            Urls(Object(attributes, "source"), GitLabUrlFields), Urls(Object(attributes, "target"), GitLabUrlFields));
    }

    private static List<string> Urls(JsonElement? obj, string[] fields) =>
        obj is not { } value ? [] : fields.Select(f => String(value, f)).OfType<string>().Where(u => u.Length is > 0 and <= 4096).Distinct(StringComparer.Ordinal).ToList();

    private static JsonElement? Object(JsonElement? obj, string name) =>
        obj is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    private static string? String(JsonElement? obj, string name) =>
        obj is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.String ? child.GetString() : null;

    private static int? Int(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    /// <summary>A full commit id in lower case, or null for anything else: nothing unchecked reaches a clone.</summary>
    private static string? Sha(string? value) =>
        value is { Length: 40 or 64 } sha && sha.All(char.IsAsciiHexDigit) ? sha.ToLowerInvariant() : null;

    private static string Text(string? value)
    {
        var clean = new string((value ?? string.Empty).Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length <= MaxText ? clean : clean[..MaxText];
    }
}
