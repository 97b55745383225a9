using GoForge.Core.Common.Work;

namespace GoForge.Core.Notifications;

/// <summary>Wakes the <see cref="NotificationDispatcher"/> when a delivery is queued.</summary>
public sealed class NotificationSignal : WorkSignal;
