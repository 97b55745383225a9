using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Notifications;

public static class NotificationsRegistration
{
    /// <summary>
    /// The durable notification queue behind <see cref="INotifications"/>, channel administration and the event sources'
    /// notices. The <see cref="NotificationDispatcher"/> runs in the panel only (AddGoForgeWorkers); senders and
    /// repositories come from Infrastructure.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<NotificationPublisher>();
        services.AddSingleton<INotifications>(sp => sp.GetRequiredService<NotificationPublisher>());
        services.AddSingleton<NotificationChannelService>();
        services.AddSingleton<DeploymentNotices>();
        services.AddSingleton<ServiceNotices>();
        services.AddSingleton<ISignInWatch, NewAddressSignIns>();
        return services;
    }
}
