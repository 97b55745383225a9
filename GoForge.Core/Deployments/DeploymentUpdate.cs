using GoForge.Core.Common.Live;

namespace GoForge.Core.Deployments;

/// <summary>
/// Something that happened to a deployment, pushed through a <see cref="ChangeFeed{TChange}"/> to whoever watches
/// its application (after the change is stored); <see cref="DeploymentService"/> checks the viewer's access before
/// it subscribes.
/// </summary>
public abstract record DeploymentUpdate(Guid DeploymentId, Guid ApplicationId) : IFeedChange
{
    Guid IFeedChange.FeedKey => ApplicationId;
}

/// <summary>The deployment moved to a new state (its row is already in the database); <see cref="Deployment"/> is as it is now.</summary>
public sealed record DeploymentStateChanged(Deployment Deployment) : DeploymentUpdate(Deployment.Id, Deployment.ApplicationId);

/// <summary>Log lines stored for the deployment, numbered as in the database, already masked.</summary>
public sealed record DeploymentLogAppended(Guid DeploymentId, Guid ApplicationId, IReadOnlyList<DeploymentLogLine> Lines)
    : DeploymentUpdate(DeploymentId, ApplicationId);
