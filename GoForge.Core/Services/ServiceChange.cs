using GoForge.Core.Common.Live;

namespace GoForge.Core.Services;

/// <summary>
/// A service's new recorded state (each step of create, start, stop, version change), or its removal, pushed through
/// a <see cref="ChangeFeed{TChange}"/> to open pages of its environment (the service list, a service page, a create dialog).
/// </summary>
public sealed record ServiceChange(ServiceInstance Instance, bool Deleted = false) : IFeedChange
{
    Guid IFeedChange.FeedKey => Instance.EnvironmentId;
}
