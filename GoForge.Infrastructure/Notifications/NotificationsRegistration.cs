using GoForge.Core.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GoForge.Infrastructure.Notifications;

internal static class NotificationsRegistration
{
    /// <summary>The notification queue and channel repositories, and the senders (docs/decisions/notifications.md).</summary>
    public static IServiceCollection AddNotificationDelivery(this IServiceCollection services)
    {
        services.AddSingleton<INotificationChannelRepository, NotificationChannelRepository>();
        services.AddSingleton<NotificationQueueRepository>();
        services.AddSingleton<INotificationDeliveries>(sp => sp.GetRequiredService<NotificationQueueRepository>());
        services.AddSingleton<INotificationHistory>(sp => sp.GetRequiredService<NotificationQueueRepository>());
        services.AddSingleton<IKnownAddressRepository, KnownAddressRepository>();

        // No redirects (a receiver cannot bounce a delivery elsewhere) and no request logging: the default handler
        // logs each request's URL, and Slack's and Discord's URLs are the credential.
        services.AddHttpClient(HttpNotificationSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(10) })
            .RemoveAllLoggers();
        services.AddSingleton<INotificationSender, WebhookNotificationSender>();
        services.AddSingleton<INotificationSender, SlackNotificationSender>();
        services.AddSingleton<INotificationSender, DiscordNotificationSender>();
        services.AddSingleton<INotificationSender, EmailNotificationSender>();
        services.TryAddSingleton(new SmtpCertificatePolicy());
        return services;
    }
}
