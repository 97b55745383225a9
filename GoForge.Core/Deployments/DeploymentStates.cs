using GoForge.Core.Common;
using GoForge.Core.Common.Live;
using GoForge.Core.Projects;

namespace GoForge.Core.Deployments;

/// <summary>
/// The one way a deployment's state changes: load it, build its <see cref="DeploymentStateMachine"/>, fire, and
/// persist the transition (only if the row is still in the state it started from) before returning. Used by the
/// worker and by <see cref="DeploymentService"/>, which checks the person first; it takes no actor itself. Every
/// recorded change is then published on the <see cref="ChangeFeed{TChange}"/> for live viewers.
/// </summary>
public sealed class DeploymentStates(IDeploymentRepository deployments, ChangeFeed<DeploymentUpdate> feed, TimeProvider time, DeploymentNotices notices)
{
    /// <summary>Whether the trigger would be allowed on the deployment as given, guards included, without firing it.</summary>
    public static Result Check(Deployment deployment, DeploymentTrigger trigger, TransitionRequest request)
    {
        var state = deployment.State;
        var machine = new DeploymentStateMachine(() => state, s => state = s);
        return new Result(Refusal(machine, deployment, trigger, request));
    }

    /// <summary>
    /// Fires a trigger on the deployment as it is in the database now. Refused (Forbidden when only a guard said
    /// no, Conflict otherwise) without writing; Conflict too when another change got there first.
    /// </summary>
    public async Task<Result<Deployment>> TransitionAsync(Guid deploymentId, DeploymentTrigger trigger, TransitionRequest request, CancellationToken ct = default)
    {
        var deployment = await deployments.GetAsync(deploymentId, ct);
        if (deployment is null)
        {
            return ProjectAccess.NotFound("deployment");
        }

        var state = deployment.State;
        var machine = new DeploymentStateMachine(() => state, s => state = s, async (from, to, r) =>
        {
            if (!await deployments.TryTransitionAsync(deploymentId, from, to, r.Reason, r.ActorUserId, time.GetUtcNow(), ct))
            {
                throw new DeploymentChangedException();
            }
        });
        if (Refusal(machine, deployment, trigger, request) is { } refused)
        {
            return refused;
        }

        try
        {
            await machine.FireAsync(trigger, request);
        }
        catch (DeploymentChangedException)
        {
            return Error.Conflict("The deployment changed meanwhile; reload and try again.");
        }

        var changed = deployment with { State = state, Reason = request.Reason ?? deployment.Reason, UpdatedAt = time.GetUtcNow() };
        feed.Publish(new DeploymentStateChanged(changed));
        await notices.RecordedAsync(changed, ct);
        return changed;
    }

    private static Error? Refusal(DeploymentStateMachine machine, Deployment deployment, DeploymentTrigger trigger, TransitionRequest request)
    {
        if (machine.CanFire(trigger, request))
        {
            return null;
        }

        var privileged = request with { ActorMayDeploy = true, RollbackTargetExists = true };
        if (machine.CanFire(trigger, privileged))
        {
            return trigger == DeploymentTrigger.RollBack && request.ActorMayDeploy
                ? Error.Conflict("There is no earlier deployment whose image is still kept to roll back to.")
                : Error.Forbidden($"You may not {Describe(trigger)} this deployment.");
        }

        return Error.Conflict($"A {deployment.State.ToString().ToLowerInvariant()} deployment cannot {Describe(trigger)}.");
    }

    private static string Describe(DeploymentTrigger trigger) => trigger switch
    {
        DeploymentTrigger.Cancel => "cancel",
        DeploymentTrigger.RollBack => "roll back",
        DeploymentTrigger.Supersede => "be superseded",
        _ => "move on with " + trigger,
    };

    private sealed class DeploymentChangedException : Exception;
}
