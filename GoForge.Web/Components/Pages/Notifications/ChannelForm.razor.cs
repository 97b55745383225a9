using GoForge.Core.Notifications;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Notifications;

public sealed partial class ChannelForm
{
    /// <summary>The fields this form shows (for <see cref="FormErrors"/>).</summary>
    public static readonly string[] Fields =
    [
        nameof(ChannelInput.Kind), nameof(ChannelInput.Name), nameof(ChannelInput.WebhookUrl), nameof(ChannelInput.SigningSecret),
        nameof(ChannelInput.SecretUrl), nameof(ChannelInput.SmtpHost), nameof(ChannelInput.SmtpPort), nameof(ChannelInput.SmtpSecurity),
        nameof(ChannelInput.SmtpUsername), nameof(ChannelInput.SmtpPassword), nameof(ChannelInput.From), nameof(ChannelInput.To),
        nameof(ChannelInput.Subscriptions),
    ];

    private HashSet<NotificationKind> _subscribed = [];

    /// <summary>The values being edited (copied in; saved through <see cref="OnSave"/>). Required.</summary>
    [Parameter]
    [EditorRequired]
    public ChannelInput Input { get; set; } = new();

    /// <summary>Whether this adds a channel (the kind can be chosen) rather than editing one. Default false.</summary>
    [Parameter]
    public bool IsNew { get; set; }

    /// <summary>The events this channel may subscribe to. Default none.</summary>
    [Parameter]
    public IReadOnlySet<NotificationKind> Kinds { get; set; } = new HashSet<NotificationKind>();

    /// <summary>Field errors from the last save. Default none.</summary>
    [Parameter]
    public FormErrors Errors { get; set; } = new();

    /// <summary>Disables the buttons while a save runs. Default false.</summary>
    [Parameter]
    public bool Busy { get; set; }

    [Parameter]
    public EventCallback<ChannelInput> OnSave { get; set; }

    [Parameter]
    public EventCallback OnCancel { get; set; }

    private string SecretHelp => IsNew ? "Stored encrypted; never shown again." : "Leave empty to keep the stored one.";

    protected override void OnParametersSet() => _subscribed = [.. Input.Subscriptions];

    private void Toggle(NotificationKind kind, bool on)
    {
        if (on)
        {
            _subscribed.Add(kind);
        }
        else
        {
            _subscribed.Remove(kind);
        }
    }

    private Task SaveAsync() => OnSave.InvokeAsync(Input with { Subscriptions = [.. _subscribed] });

    /// <summary>The form's copy of a stored channel: settings as they are, secrets empty (kept unless typed again).</summary>
    public static ChannelInput InputOf(NotificationChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var s = channel.Settings;
        return new ChannelInput
        {
            Kind = channel.Kind,
            Name = channel.Name,
            WebhookUrl = s.WebhookUrl?.AbsoluteUri,
            SmtpHost = s.SmtpHost,
            SmtpPort = s.SmtpPort,
            SmtpSecurity = s.SmtpSecurity,
            SmtpUsername = s.SmtpUsername,
            From = s.From,
            To = s.To,
            Subscriptions = [.. channel.Subscriptions],
        };
    }

    public static string Label(NotificationKind kind) => kind switch
    {
        NotificationKind.DeploymentFailed => "Deployment failed",
        NotificationKind.DeploymentSucceeded => "Deployment succeeded",
        NotificationKind.DeploymentCanceled => "Deployment canceled",
        NotificationKind.ServiceUnhealthy => "Service unhealthy",
        NotificationKind.ServiceRecovered => "Service recovered",
        NotificationKind.BackupFailed => "Backup failed",
        NotificationKind.BackupSucceeded => "Backup succeeded",
        NotificationKind.DiskUsageHigh => "Docker disk usage high",
        NotificationKind.CertificateExpiring => "Certificate expiring",
        NotificationKind.AdminSignInFromNewAddress => "Admin signed in from a new address",
        NotificationKind.Test => "Test",
        _ => kind.ToString(),
    };
}
