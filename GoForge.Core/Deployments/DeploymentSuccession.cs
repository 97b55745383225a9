using System.Globalization;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Deployments;

/// <summary>
/// What follows a deployment that became Running, for a single container and a compose set alike: the application is
/// running again, the previous deployments are superseded (or rolled back), drained, and their containers removed.
/// </summary>
public sealed class DeploymentSuccession(
    DeploymentStates states,
    IApplicationRunStates runStates,
    IContainerRuntime containers,
    IOptions<DeploymentOptions> options,
    TimeProvider time)
{
    /// <param name="retired">The previous deployments' containers, removed after the drain.</param>
    /// <param name="ofApplication">False for a preview's deployment: the application's own run state is not its to change.</param>
    internal async Task RetireAsync(Deployment deployment, IReadOnlyList<Deployment> previous, IReadOnlyList<string> retired, DeploymentLog log, bool ofApplication = true)
    {
        if (ofApplication)
        {
            // A deployment is a wish to serve: a stopped application is running again once one is healthy.
            await runStates.SetAsync(deployment.ApplicationId, ApplicationRunState.Running, CancellationToken.None);
        }

        foreach (var old in previous)
        {
            // A rollback's predecessor is RolledBack; any other's is Superseded. Either way its container goes.
            _ = deployment.Source == DeploymentSource.Rollback
                ? await states.TransitionAsync(old.Id, DeploymentTrigger.RollBack,
                    TransitionRequest.System($"rolled back by {deployment.Id}") with { RollbackTargetExists = true }, CancellationToken.None)
                : await states.TransitionAsync(old.Id, DeploymentTrigger.Supersede, TransitionRequest.System($"replaced by {deployment.Id}"), CancellationToken.None);
        }

        var drain = options.Value.DrainDelay;
        if (retired.Count > 0 && drain > TimeSpan.Zero)
        {
            // The proxy's switch is not the end of the old container's traffic: requests already on their way to it,
            // and connections opened before the switch, still reach it for a moment. Stopping it now would cut them.
            log.Write($"Draining the previous container for {drain.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture)} s");
            await Task.Delay(drain, time, CancellationToken.None);
        }

        foreach (var oldContainer in retired)
        {
            await containers.StopAndRemoveAsync(oldContainer, CancellationToken.None);
        }
    }
}
