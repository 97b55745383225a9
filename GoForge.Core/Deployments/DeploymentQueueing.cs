using GoForge.Core.Auditing;

namespace GoForge.Core.Deployments;

/// <summary>
/// How queueing a deployment moves the application's older deployments still waiting: from <see cref="From"/> to
/// <see cref="To"/>, the <see cref="DeploymentStateMachine"/>'s <see cref="DeploymentTrigger.Supersede"/>, each
/// with its transition and <see cref="Reason"/>. A repository applies it in the statement that inserts the newer one.
/// </summary>
public sealed record Supersession(DeploymentState From, DeploymentState To, string Reason)
{
    /// <summary>The supersession of the pending deployments older than <paramref name="newer"/>, as the state machine allows it.</summary>
    public static Supersession Of(Deployment newer)
    {
        ArgumentNullException.ThrowIfNull(newer);
        var request = TransitionRequest.System($"superseded by {newer.Id}");
        var to = DeploymentStateMachine.Destination(DeploymentState.Pending, DeploymentTrigger.Supersede, request)
            ?? throw new InvalidOperationException("The deployment state machine does not let a pending deployment be superseded.");
        return new Supersession(DeploymentState.Pending, to, request.Reason!);
    }
}

/// <summary>
/// A deployment a push queues, ready to be written with the webhook delivery in one transaction: the pending row,
/// how it supersedes the application's older pending ones, and its audit event. Made by
/// <see cref="DeploymentService"/>, which alone decides what a queued deployment is.
/// </summary>
public sealed record DeploymentQueueing(Deployment Deployment, Supersession Supersession, AuditEvent Audit);

/// <summary>A deployment as it was queued (stamped by the database), and the older ones it superseded as they are now.</summary>
public sealed record QueuedDeployment(Deployment Deployment, IReadOnlyList<Deployment> Superseded);
