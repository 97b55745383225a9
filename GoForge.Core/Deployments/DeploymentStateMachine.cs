using Stateless;
using Stateless.Graph;

namespace GoForge.Core.Deployments;

/// <summary>
/// What a trigger carries: why, who, and the facts the guards need. The caller (a Core service) works the
/// facts out — whether the actor may deploy in the project, whether a rollback target exists.
/// </summary>
public sealed record TransitionRequest(string? Reason = null, Guid? ActorUserId = null, bool ActorMayDeploy = false, bool RollbackTargetExists = false)
{
    /// <summary>A transition made by GoForge itself (the worker), not by a person.</summary>
    public static TransitionRequest System(string? reason = null) => new(reason, null, ActorMayDeploy: true);
}

/// <summary>
/// The deployment state machine (Stateless, state kept outside in the <see cref="Deployment"/>). One machine
/// per deployment and operation; it is not thread-safe and is never fired concurrently.
/// </summary>
public sealed class DeploymentStateMachine
{
    private readonly StateMachine<DeploymentState, DeploymentTrigger> _machine;
    private readonly Dictionary<DeploymentTrigger, StateMachine<DeploymentState, DeploymentTrigger>.TriggerWithParameters<TransitionRequest>> _triggers;

    /// <param name="read">Reads the current state.</param>
    /// <param name="write">Stores the new state in memory.</param>
    /// <param name="persist">Records a transition durably; awaited before <see cref="FireAsync"/> returns, so no work starts before the database knows.</param>
    public DeploymentStateMachine(Func<DeploymentState> read, Action<DeploymentState> write, Func<DeploymentState, DeploymentState, TransitionRequest, Task>? persist = null)
    {
        _machine = new StateMachine<DeploymentState, DeploymentTrigger>(read, write, FiringMode.Queued);
        _triggers = Enum.GetValues<DeploymentTrigger>().ToDictionary(t => t, _machine.SetTriggerParameters<TransitionRequest>);
        Configure();
        if (persist is not null)
        {
            _machine.OnTransitionedAsync(t => persist(t.Source, t.Destination, (TransitionRequest)t.Parameters[0]));
        }
    }

    public DeploymentState State => _machine.State;

    /// <summary>Whether the trigger is allowed now, guards included.</summary>
    public bool CanFire(DeploymentTrigger trigger, TransitionRequest request) => _machine.CanFire(_triggers[trigger], request);

    public Task FireAsync(DeploymentTrigger trigger, TransitionRequest request) => _machine.FireAsync(_triggers[trigger], request);

    /// <summary>
    /// Where the trigger takes a deployment in <paramref name="from"/>, guards included; null when it is not allowed.
    /// For a change a repository makes to several rows in one statement (superseding an application's pending ones),
    /// so the machine still decides the states the SQL compares and writes.
    /// </summary>
    public static DeploymentState? Destination(DeploymentState from, DeploymentTrigger trigger, TransitionRequest request)
    {
        var state = from;
        var machine = new DeploymentStateMachine(() => state, s => state = s);
        if (!machine.CanFire(trigger, request))
        {
            return null;
        }

        // No persist callback is configured, so firing runs nothing asynchronous.
        machine._machine.Fire(machine._triggers[trigger], request);
        return state;
    }

    /// <summary>The graph in Mermaid, for docs/.</summary>
    public static string ToMermaid()
    {
        var state = DeploymentState.Pending;
        var machine = new DeploymentStateMachine(() => state, s => state = s);
        return MermaidGraph.Format(machine._machine.GetInfo());
    }

    private void Configure()
    {
        var t = _triggers;
        _machine.Configure(DeploymentState.Pending)
            .Permit(t[DeploymentTrigger.Start].Trigger, DeploymentState.Cloning)
            .Permit(t[DeploymentTrigger.StartFromImage].Trigger, DeploymentState.Deploying)
            .Permit(t[DeploymentTrigger.StartPull].Trigger, DeploymentState.Pulling)
            .Permit(t[DeploymentTrigger.StartRestart].Trigger, DeploymentState.Deploying)
            .PermitIf(t[DeploymentTrigger.Cancel], DeploymentState.Canceled, r => r.ActorMayDeploy, "actor may deploy")
            .Permit(t[DeploymentTrigger.Supersede].Trigger, DeploymentState.Superseded);

        _machine.Configure(DeploymentState.Cloning)
            .Permit(t[DeploymentTrigger.CloneSucceeded].Trigger, DeploymentState.Building)
            .Permit(t[DeploymentTrigger.ReuseImage].Trigger, DeploymentState.Deploying)
            .Permit(t[DeploymentTrigger.Fail].Trigger, DeploymentState.Failed)
            .PermitIf(t[DeploymentTrigger.Cancel], DeploymentState.Canceled, r => r.ActorMayDeploy, "actor may deploy");

        _machine.Configure(DeploymentState.Building)
            .Permit(t[DeploymentTrigger.BuildSucceeded].Trigger, DeploymentState.Deploying)
            .Permit(t[DeploymentTrigger.Fail].Trigger, DeploymentState.Failed)
            .PermitIf(t[DeploymentTrigger.Cancel], DeploymentState.Canceled, r => r.ActorMayDeploy, "actor may deploy");

        // An image application's pull; the running container is untouched until Deploying, so it may be canceled.
        _machine.Configure(DeploymentState.Pulling)
            .Permit(t[DeploymentTrigger.PullSucceeded].Trigger, DeploymentState.Deploying)
            .Permit(t[DeploymentTrigger.DigestUnchanged].Trigger, DeploymentState.Unchanged)
            .Permit(t[DeploymentTrigger.Fail].Trigger, DeploymentState.Failed)
            .PermitIf(t[DeploymentTrigger.Cancel], DeploymentState.Canceled, r => r.ActorMayDeploy, "actor may deploy");

        // Deploying is not cancelable: the old container is being replaced, and stopping halfway would leave neither.
        _machine.Configure(DeploymentState.Deploying)
            .Permit(t[DeploymentTrigger.BecameHealthy].Trigger, DeploymentState.Running)
            .Permit(t[DeploymentTrigger.Fail].Trigger, DeploymentState.Failed);

        _machine.Configure(DeploymentState.Running)
            .PermitIf(t[DeploymentTrigger.RollBack], DeploymentState.RolledBack, r => r.ActorMayDeploy && r.RollbackTargetExists, "actor may deploy and a rollback target exists")
            .Permit(t[DeploymentTrigger.Supersede].Trigger, DeploymentState.Superseded);
    }
}
