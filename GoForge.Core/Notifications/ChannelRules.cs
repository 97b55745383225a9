using System.Net.Mail;
using GoForge.Core.Common;

namespace GoForge.Core.Notifications;

/// <summary>What a channel's form may contain: checked here, in Core, for the UI and the API alike.</summary>
public static class ChannelRules
{
    public const int NameMaxLength = 100;
    public const int UrlMaxLength = 2000;
    public const int SecretMinLength = 16;
    public const int SecretMaxLength = 256;
    public const int HostMaxLength = 253;
    public const int UserMaxLength = 256;
    public const int PasswordMaxLength = 1024;
    public const int MaxRecipients = 20;
    public const int AddressesMaxLength = 2000;

    /// <summary>What a masked secret looks like in the UI and the API.</summary>
    public const string Mask = "••••••••";

    /// <summary>The kinds a project's channel may take: the events about that project.</summary>
    public static readonly IReadOnlySet<NotificationKind> ProjectKinds = new HashSet<NotificationKind>
    {
        NotificationKind.DeploymentFailed, NotificationKind.DeploymentSucceeded, NotificationKind.DeploymentCanceled,
        NotificationKind.ServiceUnhealthy, NotificationKind.ServiceRecovered, NotificationKind.BackupFailed, NotificationKind.BackupSucceeded,
    };

    /// <summary>The kinds an admin-wide channel may take: every event but the test.</summary>
    public static readonly IReadOnlySet<NotificationKind> AdminKinds = Enum.GetValues<NotificationKind>().Where(k => k != NotificationKind.Test).ToHashSet();

    public static IReadOnlySet<NotificationKind> KindsFor(Guid? projectId) => projectId is null ? AdminKinds : ProjectKinds;

    /// <summary>The validated channel and the secrets to store (null: keep the stored ones), or every field's problem.</summary>
    public static Result<(NotificationChannel Channel, ChannelSecrets? Secrets)> Validate(
        ChannelInput input, Guid? projectId, NotificationChannel? existing, ChannelSecrets? storedSecrets, Guid id, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var name = (input.Name ?? string.Empty).Trim();
        if (name.Length == 0)
        {
            errors.Add(nameof(ChannelInput.Name), "Enter a name.");
        }
        else if (name.Length > NameMaxLength || name.Any(char.IsControl))
        {
            errors.Add(nameof(ChannelInput.Name), $"A name has at most {NameMaxLength} characters and no control characters.");
        }

        if (existing is not null && existing.Kind != input.Kind)
        {
            errors.Add(nameof(ChannelInput.Kind), "A channel's kind cannot change; add a new channel instead.");
        }

        var allowed = KindsFor(projectId);
        var subscriptions = (input.Subscriptions ?? []).ToHashSet();
        if (subscriptions.Any(k => !allowed.Contains(k)))
        {
            errors.Add(nameof(ChannelInput.Subscriptions), projectId is null
                ? "Choose among the listed events."
                : "A project's channel takes only the project's events (deployments, services, backups).");
        }

        var settings = new ChannelSettings();
        var secrets = storedSecrets ?? ChannelSecrets.None;
        var changed = false;
        switch (input.Kind)
        {
            case ChannelKind.Webhook:
                settings = settings with { WebhookUrl = HttpUrl(input.WebhookUrl, nameof(ChannelInput.WebhookUrl), errors) };
                if (!string.IsNullOrEmpty(input.SigningSecret))
                {
                    if (input.SigningSecret.Length is < SecretMinLength or > SecretMaxLength || input.SigningSecret.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
                    {
                        errors.Add(nameof(ChannelInput.SigningSecret), $"A signing secret has {SecretMinLength} to {SecretMaxLength} characters and no spaces.");
                    }

                    secrets = new ChannelSecrets { SigningSecret = input.SigningSecret };
                    changed = true;
                }
                else if (string.IsNullOrEmpty(secrets.SigningSecret))
                {
                    errors.Add(nameof(ChannelInput.SigningSecret), "Enter a signing secret (receivers check the signature with it).");
                }

                break;
            case ChannelKind.Slack:
            case ChannelKind.Discord:
                if (!string.IsNullOrEmpty(input.SecretUrl))
                {
                    secrets = new ChannelSecrets { Url = HttpUrl(input.SecretUrl, nameof(ChannelInput.SecretUrl), errors)?.AbsoluteUri };
                    changed = true;
                }
                else if (string.IsNullOrEmpty(secrets.Url))
                {
                    errors.Add(nameof(ChannelInput.SecretUrl), "Enter the incoming-webhook URL.");
                }

                break;
            case ChannelKind.Email:
                settings = Smtp(input, errors);
                if (!string.IsNullOrEmpty(input.SmtpPassword))
                {
                    if (input.SmtpPassword.Length > PasswordMaxLength || input.SmtpPassword.Any(c => c is '\r' or '\n' or '\0'))
                    {
                        errors.Add(nameof(ChannelInput.SmtpPassword), $"A password has at most {PasswordMaxLength} characters on one line.");
                    }

                    secrets = new ChannelSecrets { SmtpPassword = input.SmtpPassword };
                    changed = true;
                }

                break;
            default:
                errors.Add(nameof(ChannelInput.Kind), "Choose a kind of channel.");
                break;
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var channel = new NotificationChannel
        {
            Id = id,
            ProjectId = projectId,
            Kind = input.Kind,
            Name = name,
            Settings = settings,
            Subscriptions = subscriptions,
            MaskedSecret = MaskOf(input.Kind, secrets),
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        return (channel, existing is null || changed ? secrets : null);
    }

    /// <summary>The secret as the UI may show it: a Slack or Discord URL's scheme and host only; other secrets as dots.</summary>
    public static string? MaskOf(ChannelKind kind, ChannelSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return kind switch
        {
            ChannelKind.Slack or ChannelKind.Discord => Uri.TryCreate(secrets.Url, UriKind.Absolute, out var url) ? $"{url.Scheme}://{url.Host}/{Mask}" : null,
            ChannelKind.Webhook => string.IsNullOrEmpty(secrets.SigningSecret) ? null : Mask,
            ChannelKind.Email => string.IsNullOrEmpty(secrets.SmtpPassword) ? null : Mask,
            _ => null,
        };
    }

    private static Uri? HttpUrl(string? value, string field, FieldErrors errors)
    {
        var text = (value ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            errors.Add(field, "Enter a URL.");
            return null;
        }

        if (text.Length > UrlMaxLength || text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            || !Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(url.Host) || url.UserInfo.Length > 0)
        {
            errors.Add(field, $"Enter an absolute http:// or https:// URL without spaces or user name (at most {UrlMaxLength} characters).");
            return null;
        }

        return url;
    }

    private static ChannelSettings Smtp(ChannelInput input, FieldErrors errors)
    {
        var host = (input.SmtpHost ?? string.Empty).Trim();
        if (host.Length == 0 || host.Length > HostMaxLength || host.StartsWith('-') || !IsHostName(host))
        {
            errors.Add(nameof(ChannelInput.SmtpHost), "Enter the SMTP server's host name or address.");
        }

        if (!Enum.IsDefined(input.SmtpSecurity))
        {
            errors.Add(nameof(ChannelInput.SmtpSecurity), "Choose STARTTLS, TLS or none.");
        }
        else if (input.SmtpSecurity == SmtpSecurity.None && !IsLoopback(host))
        {
            errors.Add(nameof(ChannelInput.SmtpSecurity), "An unencrypted connection is allowed only to a server on this machine (localhost).");
        }

        var port = input.SmtpPort ?? input.SmtpSecurity switch { SmtpSecurity.Tls => 465, SmtpSecurity.None => 25, _ => 587 };
        if (port is < 1 or > 65535)
        {
            errors.Add(nameof(ChannelInput.SmtpPort), "A port is between 1 and 65535.");
        }

        var user = string.IsNullOrWhiteSpace(input.SmtpUsername) ? null : input.SmtpUsername.Trim();
        if (user is not null && (user.Length > UserMaxLength || user.Any(char.IsControl)))
        {
            errors.Add(nameof(ChannelInput.SmtpUsername), $"A user name has at most {UserMaxLength} characters.");
        }

        var from = Addresses(input.From, nameof(ChannelInput.From), 1, errors);
        var to = Addresses(input.To, nameof(ChannelInput.To), MaxRecipients, errors);
        return new ChannelSettings { SmtpHost = host, SmtpPort = port, SmtpSecurity = input.SmtpSecurity, SmtpUsername = user, From = from, To = to };
    }

    /// <summary>The addresses, normalised and comma-separated, or null after adding the field's error.</summary>
    private static string? Addresses(string? value, string field, int max, FieldErrors errors)
    {
        var text = (value ?? string.Empty).Trim();
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var valid = new List<string>();
        foreach (var part in parts)
        {
            // Only a bare address: a display name would let an input smuggle header text.
            if (part.Length <= 254 && !part.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or '"' or ';')
                && MailAddress.TryCreate(part, out var address) && address.Address == part)
            {
                valid.Add(part);
            }
        }

        if (text.Length == 0 || text.Length > AddressesMaxLength || parts.Length == 0 || parts.Length > max || valid.Count != parts.Length)
        {
            errors.Add(field, max == 1 ? "Enter one e-mail address." : $"Enter one to {max} e-mail addresses, separated by commas.");
            return null;
        }

        return string.Join(", ", valid);
    }

    private static bool IsHostName(string host) =>
        System.Net.IPAddress.TryParse(host, out _)
        || host.Split('.').All(label => label.Length is > 0 and <= 63 && !label.StartsWith('-') && !label.EndsWith('-') && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
