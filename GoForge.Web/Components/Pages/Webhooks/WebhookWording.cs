using System.Globalization;
using GoForge.Core.GitProviders;
using GoForge.Web.Endpoints;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Webhooks;

/// <summary>How webhooks read on the panel: the URL per provider, what to tick on each Git host, outcome colours, short refs and times.</summary>
public static class WebhookWording
{
    public static readonly IReadOnlyList<WebhookProvider> Providers = Enum.GetValues<WebhookProvider>();

    public const string Mask = "••••••••";

    /// <summary>The absolute webhook URL under <paramref name="panelBase"/>, which may carry a path (a panel behind a prefix).</summary>
    public static string Url(Uri panelBase, WebhookProvider provider, Guid applicationId) =>
        panelBase.GetLeftPart(UriPartial.Path).TrimEnd('/') + WebhookEndpoints.PathOf(provider, applicationId);

    /// <summary>What to fill in on the Git host's webhook form.</summary>
    public static string Hint(WebhookProvider provider) => provider switch
    {
        WebhookProvider.GitHub => "Repository Settings → Webhooks → Add webhook: paste the URL as the Payload URL, content type application/json, the secret in Secret, \"Just the push event\".",
        WebhookProvider.GitLab => "Project Settings → Webhooks → Add new webhook: paste the URL, the secret in the Secret token field, and tick \"Push events\".",
        WebhookProvider.Gitea => "Repository Settings → Webhooks → Add webhook → Gitea: paste the URL as the Target URL, HTTP method POST, content type application/json, the secret in Secret, trigger on Push events.",
        _ => string.Empty,
    };

    public static Color ColorOf(WebhookOutcome outcome) => outcome switch
    {
        WebhookOutcome.Deployed => Color.Success,
        WebhookOutcome.Ignored => Color.Default,
        WebhookOutcome.Rejected => Color.Error,
        WebhookOutcome.Failed => Color.Warning,
        WebhookOutcome.Received => Color.Info,
        _ => Color.Default,
    };

    public static string Label(WebhookOutcome outcome) => outcome.ToString().ToLowerInvariant();

    /// <summary>"main" for a branch, "tag v1.2.0" for a tag, anything else as sent; empty when the delivery named none.</summary>
    public static string Ref(string? gitRef) => gitRef switch
    {
        null => string.Empty,
        _ when gitRef.StartsWith("refs/heads/", StringComparison.Ordinal) => gitRef["refs/heads/".Length..],
        _ when gitRef.StartsWith("refs/tags/", StringComparison.Ordinal) => "tag " + gitRef["refs/tags/".Length..],
        _ => gitRef,
    };

    /// <summary>The first 12 characters of the commit (as the receiver's reasons name it); empty when there is none.</summary>
    public static string ShortSha(string? sha) => sha is null ? string.Empty : sha[..Math.Min(12, sha.Length)];

    /// <summary>"just now", "4 min ago", "3 h ago", "12 d ago".</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span.TotalMinutes < 1 ? "just now"
            : span.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min ago")
            : span.TotalDays < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h ago")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} d ago");
    }

    /// <summary>"redelivered once", "redelivered 3 times".</summary>
    public static string Redeliveries(int count) => count == 1 ? "redelivered once" : $"redelivered {count} times";
}
