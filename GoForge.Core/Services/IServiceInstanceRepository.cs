using GoForge.Core.Projects;

namespace GoForge.Core.Services;

/// <summary>Service instances; inputs go in and out as plain text and are encrypted at rest, bound to the row id.</summary>
public interface IServiceInstanceRepository
{
    /// <summary>
    /// Inserts the instance with its inputs; <see cref="SaveOutcome.SlugTaken"/> when its slug is used in the environment,
    /// <see cref="SaveOutcome.DomainTaken"/> when <see cref="DomainOwnership"/> refuses its domain (decided under a lock per host).
    /// </summary>
    Task<SaveOutcome> TryCreateAsync(ServiceInstance instance, IReadOnlyDictionary<string, string> inputs, string? domain, CancellationToken ct = default);

    Task<ServiceInstance?> GetAsync(Guid id, CancellationToken ct = default);

    Task<IReadOnlyList<ServiceInstance>> ListByEnvironmentAsync(Guid environmentId, CancellationToken ct = default);

    /// <summary>The instance's inputs (decrypted) and domain.</summary>
    Task<(IReadOnlyDictionary<string, string> Inputs, string? Domain)> GetInputsAsync(Guid id, CancellationToken ct = default);

    /// <summary>
    /// The only way a state is written (through <see cref="ServiceStates"/>). Compare-and-set: records <paramref name="to"/> (with reason, container and version) and the transition only if
    /// the row is still in <paramref name="from"/>; false otherwise (changed meanwhile, or gone).
    /// </summary>
    Task<bool> TryTransitionAsync(Guid id, ServiceState from, ServiceState to, string? reason, string? containerId, string version, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> DeleteAsync(Guid id, CancellationToken ct = default);

    /// <summary>Services left in Creating, Pulling or Starting, by a run of the panel that stopped.</summary>
    Task<IReadOnlyList<ServiceInstance>> ListUnsettledAsync(CancellationToken ct = default);
}
