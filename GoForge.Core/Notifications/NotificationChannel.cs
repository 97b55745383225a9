namespace GoForge.Core.Notifications;

/// <summary>How a channel delivers. Stored as lower-case words (webhook, slack, discord, email).</summary>
public enum ChannelKind
{
    /// <summary>A generic HTTP endpoint: a JSON body signed with HMAC-SHA256 (docs/decisions/notifications.md).</summary>
    Webhook,
    Slack,
    Discord,
    Email,
}

/// <summary>How an SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>A plain connection upgraded with STARTTLS (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,

    /// <summary>No encryption at all: only for a relay on the same machine.</summary>
    None,
}

/// <summary>A channel's settings that are not secret; stored in plain text and shown as they are.</summary>
public sealed record ChannelSettings
{
    /// <summary>The generic webhook's endpoint (Slack's and Discord's URLs are secrets: the URL is the credential).</summary>
    public Uri? WebhookUrl { get; init; }

    public string? SmtpHost { get; init; }

    public int? SmtpPort { get; init; }

    public SmtpSecurity SmtpSecurity { get; init; } = SmtpSecurity.StartTls;

    public string? SmtpUsername { get; init; }

    public string? From { get; init; }

    /// <summary>Recipients, as entered (comma-separated addresses).</summary>
    public string? To { get; init; }
}

/// <summary>A channel's secrets: encrypted at rest, never shown again after they are saved (only masked).</summary>
public sealed record ChannelSecrets
{
    /// <summary>Slack's or Discord's incoming-webhook URL.</summary>
    public string? Url { get; init; }

    /// <summary>The generic webhook's signing secret.</summary>
    public string? SigningSecret { get; init; }

    public string? SmtpPassword { get; init; }

    public static ChannelSecrets None { get; } = new();
}

/// <summary>A configured channel, as shown: secrets are never part of it (<see cref="MaskedSecret"/> says only what is set).</summary>
public sealed record NotificationChannel
{
    public required Guid Id { get; init; }

    /// <summary>The project it belongs to; null for an admin-wide channel.</summary>
    public Guid? ProjectId { get; init; }

    public required ChannelKind Kind { get; init; }

    public required string Name { get; init; }

    public required ChannelSettings Settings { get; init; }

    /// <summary>The channel's secret as the UI may show it (e.g. <c>https://hooks.slack.com/…••••</c>), or null when none is set.</summary>
    public string? MaskedSecret { get; init; }

    public required IReadOnlySet<NotificationKind> Subscriptions { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What a form or the API sends to create or change a channel. A null or empty secret on update keeps the stored one.</summary>
public sealed record ChannelInput
{
    public ChannelKind Kind { get; set; }

    public string? Name { get; set; }

    public string? WebhookUrl { get; set; }

    /// <summary>Slack's or Discord's incoming-webhook URL (a secret).</summary>
    public string? SecretUrl { get; set; }

    public string? SigningSecret { get; set; }

    public string? SmtpHost { get; set; }

    public int? SmtpPort { get; set; }

    public SmtpSecurity SmtpSecurity { get; set; } = SmtpSecurity.StartTls;

    public string? SmtpUsername { get; set; }

    public string? SmtpPassword { get; set; }

    public string? From { get; set; }

    public string? To { get; set; }

    public IReadOnlyCollection<NotificationKind> Subscriptions { get; set; } = [];
}

/// <summary>How one delivery stands.</summary>
public enum DeliveryStatus
{
    Pending,
    Sending,
    Delivered,
    Failed,

    /// <summary>Over the channel's rate limit when published: recorded, never sent.</summary>
    Suppressed,
}

/// <summary>One row of a channel's delivery log.</summary>
public sealed record DeliveryLogEntry(
    Guid Id,
    NotificationKind Kind,
    string Title,
    DeliveryStatus Status,
    int Attempts,
    string? LastError,
    int SuppressedBefore,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset NextAttemptAt);

/// <summary>A delivery the dispatcher claimed: the event, the channel and its secrets (decrypted), and how many similar events the rate limit held back before it.</summary>
public sealed record ClaimedDelivery(
    Guid Id,
    int Attempt,
    NotificationChannel Channel,
    ChannelSecrets Secrets,
    Guid EventId,
    NotificationEvent Event,
    int SuppressedBefore);
