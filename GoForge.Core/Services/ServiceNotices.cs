using GoForge.Core.Notifications;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Services;

/// <summary>
/// Tells the operators when a service fails (it was running or starting) and when it runs again after that, through
/// <see cref="INotifications"/> with the service's project. Called by <see cref="ServiceStates"/> once a move is recorded.
/// </summary>
public sealed class ServiceNotices(INotifications notifications, INotificationHistory history, TimeProvider time, ILogger<ServiceNotices> logger)
{
    /// <summary>The notice a move from <paramref name="from"/> to <paramref name="to"/> gives, if any.</summary>
    public static NotificationKind? KindOf(ServiceState from, ServiceState to) => (from, to) switch
    {
        (ServiceState.Running or ServiceState.Starting, ServiceState.Failed) => NotificationKind.ServiceUnhealthy,
        (ServiceState.Starting, ServiceState.Running) => NotificationKind.ServiceRecovered,
        _ => null,
    };

    public async Task MovedAsync(ServiceState from, ServiceInstance recorded, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (KindOf(from, recorded.State) is not { } kind)
        {
            return;
        }

        try
        {
            // Only a service that was reported unhealthy is reported recovered: a plain start is no news.
            if (kind == NotificationKind.ServiceRecovered && await history.LastKindAsync(recorded.Id, [NotificationKind.ServiceUnhealthy, NotificationKind.ServiceRecovered], ct) != NotificationKind.ServiceUnhealthy)
            {
                return;
            }

            await notifications.PublishAsync(new NotificationEvent(
                kind,
                recorded.ProjectId,
                recorded.Id,
                kind == NotificationKind.ServiceUnhealthy ? $"Service {recorded.Name} is unhealthy" : $"Service {recorded.Name} recovered",
                recorded.Reason ?? string.Empty,
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["Service"] = recorded.Name,
                    ["Template"] = recorded.TemplateId,
                    ["State"] = recorded.State.ToString().ToLowerInvariant(),
                },
                time.GetUtcNow()), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.SourceFailed(kind, recorded.Id, e);
        }
    }
}
