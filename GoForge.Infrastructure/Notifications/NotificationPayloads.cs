using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoForge.Core.Notifications;

namespace GoForge.Infrastructure.Notifications;

/// <summary>
/// The bodies each channel sends, as pure functions of the delivery (docs/decisions/notifications.md shows them).
/// Text from events goes in as data: JSON-encoded, escaped for Slack's mrkdwn, with Discord's mentions turned off.
/// </summary>
internal static class NotificationPayloads
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>The generic webhook's body (the bytes that are signed).</summary>
    public static byte[] Webhook(ClaimedDelivery delivery)
    {
        var e = delivery.Event;
        var facts = new JsonObject();
        foreach (var (key, value) in e.Facts)
        {
            facts[key] = value;
        }

        var body = new JsonObject
        {
            ["id"] = delivery.Id.ToString(),
            ["event"] = delivery.EventId.ToString(),
            ["kind"] = e.Kind.ToString(),
            ["projectId"] = e.ProjectId?.ToString(),
            ["subject"] = e.Subject.ToString(),
            ["title"] = e.Title,
            ["message"] = e.Message,
            ["facts"] = facts,
            ["occurredAt"] = e.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["link"] = e.Link?.AbsoluteUri,
            ["attempt"] = delivery.Attempt,
            ["suppressedBefore"] = delivery.SuppressedBefore,
        };
        return JsonSerializer.SerializeToUtf8Bytes(body, Compact);
    }

    /// <summary>Slack's incoming-webhook format: <c>text</c> (the notification's fallback) and <c>blocks</c>.</summary>
    public static byte[] Slack(ClaimedDelivery delivery)
    {
        var e = delivery.Event;
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut(e.Title, 150) },
            },
        };
        var message = WithSuppressed(e.Message, delivery.SuppressedBefore);
        if (message.Length > 0)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut(SlackEscape(message), 3000) },
            });
        }

        // Slack takes at most 10 fields per section, 2000 characters each.
        var fields = new JsonArray();
        foreach (var (key, value) in e.Facts.Take(10))
        {
            fields.Add(new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut($"*{SlackEscape(key)}*\n{SlackEscape(value)}", 2000) });
        }

        if (fields.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = $"GoForge · {e.Kind} · {e.OccurredAt.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}" } },
        });
        var body = new JsonObject { ["text"] = Cut(SlackEscape($"{e.Title}: {message}"), 3000), ["blocks"] = blocks };
        return JsonSerializer.SerializeToUtf8Bytes(body, Compact);
    }

    /// <summary>Discord's webhook format: <c>content</c> and one embed; <c>allowed_mentions</c> empty so no text can ping anyone.</summary>
    public static byte[] Discord(ClaimedDelivery delivery)
    {
        var e = delivery.Event;
        var fields = new JsonArray();
        foreach (var (key, value) in e.Facts.Take(25))
        {
            fields.Add(new JsonObject { ["name"] = Cut(key, 256), ["value"] = Cut(value.Length == 0 ? "-" : value, 1024), ["inline"] = true });
        }

        var embed = new JsonObject
        {
            ["title"] = Cut(e.Title, 256),
            ["description"] = Cut(WithSuppressed(e.Message, delivery.SuppressedBefore), 4096),
            ["color"] = ColorOf(e.Kind),
            ["fields"] = fields,
            ["timestamp"] = e.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["footer"] = new JsonObject { ["text"] = $"GoForge · {e.Kind}" },
        };
        if (e.Link is not null)
        {
            embed["url"] = e.Link.AbsoluteUri;
        }

        var body = new JsonObject
        {
            ["content"] = Cut(e.Title, 2000),
            ["embeds"] = new JsonArray { embed },
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
        };
        return JsonSerializer.SerializeToUtf8Bytes(body, Compact);
    }

    /// <summary>An e-mail's subject and plain-text body.</summary>
    public static (string Subject, string Body) Email(ClaimedDelivery delivery)
    {
        var e = delivery.Event;
        var text = new StringBuilder();
        text.AppendLine(e.Title).AppendLine();
        var message = WithSuppressed(e.Message, delivery.SuppressedBefore);
        if (message.Length > 0)
        {
            text.AppendLine(message).AppendLine();
        }

        foreach (var (key, value) in e.Facts)
        {
            text.Append(key).Append(": ").AppendLine(value);
        }

        text.AppendLine().Append("Event: ").AppendLine(e.Kind.ToString())
            .Append("When: ").AppendLine(e.OccurredAt.UtcDateTime.ToString("u", CultureInfo.InvariantCulture));
        if (e.Link is not null)
        {
            text.Append("Link: ").AppendLine(e.Link.AbsoluteUri);
        }

        return ($"[GoForge] {e.Title}", text.ToString());
    }

    private static string WithSuppressed(string message, int suppressed) => suppressed == 0
        ? message
        : $"{message}\n({suppressed} similar notification(s) before this one were held back by the rate limit.)".TrimStart('\n');

    // Slack's mrkdwn treats &, < and > as markup (links, mentions such as <!channel>); everything else is text.
    private static string SlackEscape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static int ColorOf(NotificationKind kind) => kind switch
    {
        NotificationKind.DeploymentFailed or NotificationKind.ServiceUnhealthy or NotificationKind.BackupFailed => 0xD32F2F,
        NotificationKind.DeploymentSucceeded or NotificationKind.ServiceRecovered or NotificationKind.BackupSucceeded => 0x388E3C,
        NotificationKind.Test => 0x1976D2,
        _ => 0xF57C00,
    };
}
