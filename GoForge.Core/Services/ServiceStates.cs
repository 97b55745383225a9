using GoForge.Core.Common;
using GoForge.Core.Common.Live;

namespace GoForge.Core.Services;

/// <summary>
/// The one way a service's state changes: build its <see cref="ServiceStateMachine"/>, check the trigger, fire, and
/// persist the transition (only if the row is still in the state it started from) before returning; then publish it
/// on the <see cref="ChangeFeed{TChange}"/> for live viewers. Used by the worker's steps and the recovery; it takes no actor.
/// </summary>
public sealed class ServiceStates(IServiceInstanceRepository instances, ChangeFeed<ServiceChange> feed, TimeProvider time, ServiceNotices notices)
{
    /// <summary>Whether <paramref name="trigger"/> is allowed from <paramref name="state"/>.</summary>
    public static bool Allows(ServiceState state, ServiceTrigger trigger)
    {
        var current = state;
        return new ServiceStateMachine(() => current, s => current = s).CanFire(trigger);
    }

    /// <summary>
    /// Fires <paramref name="trigger"/> on the service as given and records the new state with its reason, container
    /// and version. Throws <see cref="ServiceChangedException"/> when the machine refuses or the row moved meanwhile.
    /// </summary>
    public async Task<ServiceInstance> MoveAsync(ServiceInstance instance, ServiceTrigger trigger, string reason, string? containerId, string version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var state = instance.State;
        var now = time.GetUtcNow();
        var machine = new ServiceStateMachine(() => state, s => state = s, async (from, to) =>
        {
            if (!await instances.TryTransitionAsync(instance.Id, from, to, Bounded(reason), containerId, version, now, ct))
            {
                throw new ServiceChangedException($"The service changed meanwhile (it is no longer {from.ToString().ToLowerInvariant()}).");
            }
        });
        if (!machine.CanFire(trigger))
        {
            throw new ServiceChangedException($"A {instance.State.ToString().ToLowerInvariant()} service cannot {trigger.ToString().ToLowerInvariant()}.");
        }

        await machine.FireAsync(trigger);
        var recorded = instance with { State = state, Reason = Bounded(reason), ContainerId = containerId, Version = version, UpdatedAt = now };
        feed.Publish(new ServiceChange(recorded));
        await notices.MovedAsync(instance.State, recorded, ct);
        return recorded;
    }

    /// <summary>Like <see cref="MoveAsync"/>, but a refusal is a Conflict result rather than an exception.</summary>
    public async Task<Result<ServiceInstance>> TryMoveAsync(ServiceInstance instance, ServiceTrigger trigger, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        try
        {
            return await MoveAsync(instance, trigger, reason, instance.ContainerId, instance.Version, ct);
        }
        catch (ServiceChangedException e)
        {
            return Error.Conflict(e.Message);
        }
    }

    private static string Bounded(string reason) => reason.Length > 2000 ? reason[..2000] : reason;
}

/// <summary>The service was not in a state the step expected: another change got there first, or it was deleted.</summary>
public sealed class ServiceChangedException(string message) : Exception(message);
