namespace GoForge.Core.Notifications;

/// <summary>What happened. Channels subscribe per kind; the names are stable (stored, and sent to receivers).</summary>
public enum NotificationKind
{
    DeploymentFailed,
    DeploymentSucceeded,
    DeploymentCanceled,
    ServiceUnhealthy,
    ServiceRecovered,
    BackupFailed,
    BackupSucceeded,
    DiskUsageHigh,
    CertificateExpiring,
    AdminSignInFromNewAddress,

    /// <summary>A channel's "send test" action.</summary>
    Test,
}

/// <summary>
/// One event for the operators. <see cref="ProjectId"/> is null for panel-wide events (disk, certificates, sign-ins),
/// which go to admin-wide channels only. <see cref="Subject"/> is the thing it is about (a deployment, a service, a
/// backup) and with <see cref="Kind"/> makes the rate-limit key, so a flapping service is one stream, not many.
/// <see cref="Facts"/> are shown as fields (never a secret: callers pass names, states and messages already masked).
/// </summary>
public sealed record NotificationEvent(
    NotificationKind Kind,
    Guid? ProjectId,
    Guid Subject,
    string Title,
    string Message,
    IReadOnlyDictionary<string, string> Facts,
    DateTimeOffset OccurredAt,
    Uri? Link = null);

/// <summary>
/// Where the rest of Core reports what operators must not miss. Publishing records the event durably for every
/// subscribed channel and returns; delivery (retries, back-off, rate limits) happens elsewhere and never blocks the caller.
/// </summary>
public interface INotifications
{
    Task PublishAsync(NotificationEvent notification, CancellationToken ct = default);
}
