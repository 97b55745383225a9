using System.Net.Sockets;
using GoForge.Core.Notifications;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace GoForge.Infrastructure.Notifications;

/// <summary>E-mail over SMTP with MailKit: STARTTLS (required, not opportunistic), TLS from the start, or none (localhost only).</summary>
internal sealed class EmailNotificationSender(SmtpCertificatePolicy certificates) : INotificationSender
{
    public ChannelKind Kind => ChannelKind.Email;

    public async Task SendAsync(ClaimedDelivery delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var settings = delivery.Channel.Settings;
        if (settings.SmtpHost is null || settings.From is null || settings.To is null)
        {
            throw new NotificationSendException("The channel's SMTP settings are incomplete.");
        }

        var (subject, body) = NotificationPayloads.Email(delivery);
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        foreach (var to in settings.To.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        message.Headers.Add("X-GoForge-Event", delivery.Event.Kind.ToString());

        using var client = new SmtpClient();
        client.Timeout = 30_000;
        if (certificates.Validate is { } validate)
        {
            client.ServerCertificateValidationCallback = validate;
        }

        var security = settings.SmtpSecurity switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        try
        {
            await client.ConnectAsync(settings.SmtpHost, settings.SmtpPort ?? 587, security, ct);
            if (settings.SmtpUsername is not null)
            {
                await client.AuthenticateAsync(settings.SmtpUsername, delivery.Secrets.SmtpPassword ?? string.Empty, ct);
            }

            await client.SendAsync(message, ct);
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or AuthenticationException or SslHandshakeException
                                    or ServiceNotConnectedException or ServiceNotAuthenticatedException or NotSupportedException or SocketException or IOException)
        {
            // MailKit's messages name the server and the reply, never the password.
            throw new NotificationSendException($"SMTP {settings.SmtpHost}:{settings.SmtpPort}: {e.Message}", e);
        }
    }
}

/// <summary>
/// How SMTP servers' certificates are checked: by the system's trust store (null, the default). Tests against a local
/// server with a self-made certificate replace it; the panel never does.
/// </summary>
public sealed class SmtpCertificatePolicy
{
    public System.Net.Security.RemoteCertificateValidationCallback? Validate { get; init; }
}
