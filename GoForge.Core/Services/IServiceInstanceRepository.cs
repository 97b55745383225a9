using GoForge.Core.Projects;

namespace GoForge.Core.Services;

/// <summary>Service instances; inputs go in and out as plain text and are encrypted at rest, bound to the row id.</summary>
public interface IServiceInstanceRepository
{
    /// <summary>Inserts the instance with its inputs; <see cref="SaveOutcome.SlugTaken"/> when its slug is used in the environment.</summary>
    Task<SaveOutcome> TryCreateAsync(ServiceInstance instance, IReadOnlyDictionary<string, string> inputs, string? domain, CancellationToken ct = default);

    Task<ServiceInstance?> GetAsync(Guid id, CancellationToken ct = default);

    Task<IReadOnlyList<ServiceInstance>> ListByEnvironmentAsync(Guid environmentId, CancellationToken ct = default);

    /// <summary>The instance's inputs (decrypted) and domain.</summary>
    Task<(IReadOnlyDictionary<string, string> Inputs, string? Domain)> GetInputsAsync(Guid id, CancellationToken ct = default);

    /// <summary>Records a state, its reason, the container and version; false when the row is gone.</summary>
    Task<bool> RecordAsync(Guid id, ServiceState state, string? reason, string? containerId, string version, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> DeleteAsync(Guid id, CancellationToken ct = default);

    /// <summary>Marks every service left in Creating, Pulling or Starting as Failed with <paramref name="reason"/>; returns how many.</summary>
    Task<int> FailInterruptedAsync(string reason, DateTimeOffset now, CancellationToken ct = default);
}
