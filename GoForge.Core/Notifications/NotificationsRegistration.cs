using GoForge.Core.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Notifications;

public static class NotificationsRegistration
{
    /// <summary>
    /// The durable notification queue behind <see cref="INotifications"/>, channel administration and the new-address
    /// sign-in watch (the deployment and service notices are registered beside their states, so Notifications stays
    /// below Deployments and Services). The <see cref="NotificationDispatcher"/> runs in the panel only
    /// (AddGoForgeWorkers); senders and repositories come from Infrastructure.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<NotificationPublisher>();
        services.AddSingleton<INotifications>(sp => sp.GetRequiredService<NotificationPublisher>());
        services.AddSingleton<NotificationChannelService>();
        services.AddSingleton<ISignInWatch, NewAddressSignIns>();
        return services;
    }
}
