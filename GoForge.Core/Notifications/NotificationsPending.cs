namespace GoForge.Core.Notifications;

/// <summary>
/// SCAFFOLDING for the parallel work on issue 22: lets the backups branch resolve <see cref="INotifications"/> before
/// the notifications branch (which deletes this file and registers the durable queue) is merged. Never shipped.
/// </summary>
internal sealed class NotificationsPending : INotifications
{
    public Task PublishAsync(NotificationEvent notification, CancellationToken ct = default) => Task.CompletedTask;
}
