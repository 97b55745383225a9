using GoForge.Core.Operations;

namespace GoForge.Core.Deployments;

/// <summary>The deployment instruments of <see cref="GoForgeMetrics"/>, tagged by a deployment's end state.</summary>
public static class DeploymentMetrics
{
    /// <summary>A deployment's run ended in <paramref name="state"/>; <paramref name="duration"/> is null when it did not run here (interrupted by a restart).</summary>
    public static void DeploymentEnded(this GoForgeMetrics metrics, DeploymentState state, TimeSpan? duration)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics.DeploymentEnded(OutcomeOf(state), duration);
    }

    /// <summary>Running is the one success; any other state names itself (a run that stopped early without an end state shows as its state).</summary>
    public static string OutcomeOf(DeploymentState state) => state switch
    {
        DeploymentState.Running => "succeeded",
        DeploymentState.RolledBack => "rolled_back",
        _ => state.ToString().ToLowerInvariant(),
    };
}
