namespace GoForge.Core.Common.Live;

/// <summary>A change pushed through a <see cref="ChangeFeed{TChange}"/>: <see cref="FeedKey"/> is what viewers subscribe to.</summary>
public interface IFeedChange
{
    /// <summary>The key viewers watch (the application of a deployment or a delivery, the environment of a service).</summary>
    Guid FeedKey { get; }
}
