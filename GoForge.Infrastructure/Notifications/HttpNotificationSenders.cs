using System.Globalization;
using System.Net.Http.Headers;
using GoForge.Core.Notifications;

namespace GoForge.Infrastructure.Notifications;

/// <summary>
/// Posts a JSON body to a channel's URL through the notifications' HTTP client (no redirects, no request logging:
/// Slack's and Discord's URLs are credentials). Errors name the host only, never the URL.
/// </summary>
internal abstract class HttpNotificationSender(IHttpClientFactory clients) : INotificationSender
{
    public const string ClientName = "GoForge.Notifications";

    public abstract ChannelKind Kind { get; }

    public async Task SendAsync(ClaimedDelivery delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var url = TargetOf(delivery);
        if (url is null)
        {
            throw new NotificationSendException("The channel has no URL.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        var body = BodyOf(delivery);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("GoForge-Notifications/1");
        AddHeaders(request, delivery, body);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new NotificationSendException(
                    $"{url.Host} answered HTTP {((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd());
            }
        }
        catch (HttpRequestException e)
        {
            // HttpRequestException's own message may quote the address; keep the host and the kind of failure only.
            throw new NotificationSendException($"{url.Host} could not be reached ({e.HttpRequestError}).", e);
        }
    }

    protected abstract Uri? TargetOf(ClaimedDelivery delivery);

    protected abstract byte[] BodyOf(ClaimedDelivery delivery);

    protected virtual void AddHeaders(HttpRequestMessage request, ClaimedDelivery delivery, byte[] body)
    {
    }

    protected static Uri? Parse(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : null;
}

/// <summary>The generic webhook: GoForge's JSON, signed (<see cref="WebhookSignature"/>).</summary>
internal sealed class WebhookNotificationSender(IHttpClientFactory clients, TimeProvider time) : HttpNotificationSender(clients)
{
    public override ChannelKind Kind => ChannelKind.Webhook;

    protected override Uri? TargetOf(ClaimedDelivery delivery) => delivery.Channel.Settings.WebhookUrl;

    protected override byte[] BodyOf(ClaimedDelivery delivery) => NotificationPayloads.Webhook(delivery);

    protected override void AddHeaders(HttpRequestMessage request, ClaimedDelivery delivery, byte[] body)
    {
        var secret = delivery.Secrets.SigningSecret ?? throw new NotificationSendException("The channel has no signing secret.");
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        request.Headers.Add(WebhookSignature.EventHeader, delivery.Event.Kind.ToString());
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
    }
}

internal sealed class SlackNotificationSender(IHttpClientFactory clients) : HttpNotificationSender(clients)
{
    public override ChannelKind Kind => ChannelKind.Slack;

    protected override Uri? TargetOf(ClaimedDelivery delivery) => Parse(delivery.Secrets.Url);

    protected override byte[] BodyOf(ClaimedDelivery delivery) => NotificationPayloads.Slack(delivery);
}

internal sealed class DiscordNotificationSender(IHttpClientFactory clients) : HttpNotificationSender(clients)
{
    public override ChannelKind Kind => ChannelKind.Discord;

    protected override Uri? TargetOf(ClaimedDelivery delivery) => Parse(delivery.Secrets.Url);

    protected override byte[] BodyOf(ClaimedDelivery delivery) => NotificationPayloads.Discord(delivery);
}
