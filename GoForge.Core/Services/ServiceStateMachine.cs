using Stateless;
using Stateless.Graph;

namespace GoForge.Core.Services;

/// <summary>What moves a service from one <see cref="ServiceState"/> to the next.</summary>
public enum ServiceTrigger
{
    /// <summary>Make sure the image is present (a create, a version change, or a container to create again).</summary>
    Pull,

    /// <summary>The image is present; volumes and container come next.</summary>
    Pulled,

    /// <summary>Start the existing container.</summary>
    Start,

    /// <summary>A step within the state worth recording (a container id, the route published).</summary>
    Note,

    BecameHealthy,
    Stop,
    Fail,

    /// <summary>A user's cancel while queued or pulling; the service ends Failed saying so.</summary>
    Cancel,
}

/// <summary>
/// The service state machine (Stateless, state kept outside in the <see cref="ServiceInstance"/>), the same model as
/// the deployments'. One machine per service and operation; it is not thread-safe and is never fired concurrently:
/// the operation queue lets one operation per service run at a time.
/// </summary>
public sealed class ServiceStateMachine
{
    private readonly StateMachine<ServiceState, ServiceTrigger> _machine;

    /// <param name="read">Reads the current state.</param>
    /// <param name="write">Stores the new state in memory.</param>
    /// <param name="persist">Records a transition durably; awaited before <see cref="FireAsync"/> returns.</param>
    public ServiceStateMachine(Func<ServiceState> read, Action<ServiceState> write, Func<ServiceState, ServiceState, Task>? persist = null)
    {
        _machine = new StateMachine<ServiceState, ServiceTrigger>(read, write, FiringMode.Queued);
        Configure();
        if (persist is not null)
        {
            _machine.OnTransitionedAsync(t => persist(t.Source, t.Destination));
        }
    }

    public ServiceState State => _machine.State;

    public bool CanFire(ServiceTrigger trigger) => _machine.CanFire(trigger);

    public Task FireAsync(ServiceTrigger trigger) => _machine.FireAsync(trigger);

    /// <summary>The graph in Mermaid, for docs/.</summary>
    public static string ToMermaid()
    {
        var state = ServiceState.Creating;
        var machine = new ServiceStateMachine(() => state, s => state = s);
        return MermaidGraph.Format(machine._machine.GetInfo());
    }

    private void Configure()
    {
        _machine.Configure(ServiceState.Creating)
            .Permit(ServiceTrigger.Pull, ServiceState.Pulling)
            .Permit(ServiceTrigger.Fail, ServiceState.Failed)
            .Permit(ServiceTrigger.Cancel, ServiceState.Failed);

        _machine.Configure(ServiceState.Pulling)
            .Permit(ServiceTrigger.Pulled, ServiceState.Starting)
            .Permit(ServiceTrigger.Fail, ServiceState.Failed)
            .Permit(ServiceTrigger.Cancel, ServiceState.Failed);

        // Starting is not cancelable: the container exists and is checked; stopping halfway helps nobody.
        _machine.Configure(ServiceState.Starting)
            .PermitReentry(ServiceTrigger.Note)
            .Permit(ServiceTrigger.BecameHealthy, ServiceState.Running)
            .Permit(ServiceTrigger.Fail, ServiceState.Failed);

        _machine.Configure(ServiceState.Running)
            .PermitReentry(ServiceTrigger.Note)
            .Permit(ServiceTrigger.Start, ServiceState.Starting)
            .Permit(ServiceTrigger.Pull, ServiceState.Pulling)
            .Permit(ServiceTrigger.Stop, ServiceState.Stopped)
            .Permit(ServiceTrigger.Fail, ServiceState.Failed);

        _machine.Configure(ServiceState.Stopped)
            .PermitReentry(ServiceTrigger.Stop)
            .Permit(ServiceTrigger.Start, ServiceState.Starting)
            .Permit(ServiceTrigger.Pull, ServiceState.Pulling)
            .Permit(ServiceTrigger.Fail, ServiceState.Failed);

        _machine.Configure(ServiceState.Failed)
            .PermitReentry(ServiceTrigger.Fail)
            .Permit(ServiceTrigger.Start, ServiceState.Starting)
            .Permit(ServiceTrigger.Pull, ServiceState.Pulling)
            .Permit(ServiceTrigger.Stop, ServiceState.Stopped);
    }
}
