namespace GoForge.Core.Deployments;

/// <summary>How a deployment ended, for anyone waiting on it (the CLI's <c>deploy --wait</c>).</summary>
public static class DeploymentOutcome
{
    /// <summary>True once the deployment will not move on by itself: it serves, or it ended without serving.</summary>
    public static bool IsSettled(DeploymentState state) =>
        state is DeploymentState.Running or DeploymentState.Failed or DeploymentState.Canceled or DeploymentState.RolledBack or DeploymentState.Superseded
            or DeploymentState.Unchanged;

    /// <summary>
    /// True when the deployment reached Running (it may since have been replaced by a newer one), or found its image's
    /// digest already running (Unchanged): either way what was asked for serves.
    /// </summary>
    public static bool Succeeded(DeploymentState state) => state is DeploymentState.Running or DeploymentState.Unchanged;
}
