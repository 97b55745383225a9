using GoForge.Core.Containers;

namespace GoForge.Core.Servers;

/// <summary>
/// Applications as Swarm services, on the manager GoForge drives (docs/decisions/swarm.md, "Applications as services").
/// Ownership is checked on every write: a service or network of GoForge's name that does not carry all of its owner labels
/// is refused with an <see cref="EngineException"/> and left untouched. Every other failure is an
/// <see cref="EngineException"/> with the engine's words.
/// </summary>
public interface ISwarmServices
{
    /// <summary>
    /// Creates the service, or updates GoForge's service of that name at its current version (the engine then rolls the
    /// tasks as <see cref="SwarmServiceSpec.Update"/> says). Returns before the rollout: see <see cref="WaitAsync"/>.
    /// </summary>
    Task<SwarmServiceRef> ApplyAsync(SwarmServiceSpec spec, CancellationToken ct = default);

    /// <summary>
    /// Waits until the service's rollout ends: every replica running its current spec (healthy), the engine's rollback
    /// done, the update paused; or <paramref name="timeout"/> (<see cref="SwarmRolloutStatus.TimedOut"/>). Cancelling
    /// <paramref name="ct"/> throws; the engine goes on either way.
    /// </summary>
    Task<SwarmRollout> WaitAsync(string serviceId, TimeSpan timeout, CancellationToken ct = default);

    /// <summary>GoForge's service of that name, or null when there is none (or it is not GoForge's: see <see cref="ApplyAsync"/>).</summary>
    Task<SwarmServiceRef?> FindAsync(string name, IReadOnlyDictionary<string, string> owner, CancellationToken ct = default);

    /// <summary>The service's tasks, current and past (the engine keeps a few per slot), newest first.</summary>
    Task<IReadOnlyList<SwarmTask>> ListTasksAsync(string serviceId, CancellationToken ct = default);

    /// <summary>Removes GoForge's service of that name (its tasks stop); none is not an error, one not GoForge's is refused.</summary>
    Task RemoveAsync(string name, IReadOnlyDictionary<string, string> owner, CancellationToken ct = default);

    /// <summary>
    /// The environment's overlay network (<see cref="EngineNames.SwarmNetwork"/>), created when missing: attachable (the
    /// proxy and one-off containers join it), encrypted when asked (IPsec between nodes; fixed at creation), labelled with
    /// <see cref="SwarmOwners.Network"/>. A network of the name without those labels is refused, never joined.
    /// </summary>
    Task<OwnedNetwork> EnsureNetworkAsync(Guid projectId, Guid environmentId, bool encrypted, CancellationToken ct = default);
}
