using System.Collections.Concurrent;
using GoForge.Core.Projects;
using GoForge.Core.Services;

namespace GoForge.Tests.Support;

/// <summary>Service instances in memory, for component tests over in-memory projects (the real one is tested on PostgreSQL).</summary>
public sealed class InMemoryServiceInstanceRepository : IServiceInstanceRepository
{
    private readonly ConcurrentDictionary<Guid, (ServiceInstance Instance, IReadOnlyDictionary<string, string> Inputs, string? Domain)> _rows = new();
    private readonly Lock _gate = new();

    public Task<SaveOutcome> TryCreateAsync(ServiceInstance instance, IReadOnlyDictionary<string, string> inputs, string? domain, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_rows.Values.Any(r => r.Instance.EnvironmentId == instance.EnvironmentId && r.Instance.Slug == instance.Slug))
            {
                return Task.FromResult(SaveOutcome.SlugTaken);
            }

            _rows[instance.Id] = (instance, new Dictionary<string, string>(inputs), domain);
            return Task.FromResult(SaveOutcome.Saved);
        }
    }

    public Task<ServiceInstance?> GetAsync(Guid id, CancellationToken ct = default) =>
        Task.FromResult(_rows.TryGetValue(id, out var row) ? row.Instance : null);

    public Task<IReadOnlyList<ServiceInstance>> ListByEnvironmentAsync(Guid environmentId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ServiceInstance>>(_rows.Values.Select(r => r.Instance).Where(i => i.EnvironmentId == environmentId).OrderBy(i => i.Name).ToList());

    public Task<(IReadOnlyDictionary<string, string> Inputs, string? Domain)> GetInputsAsync(Guid id, CancellationToken ct = default) =>
        Task.FromResult(_rows.TryGetValue(id, out var row) ? (row.Inputs, row.Domain) : ((IReadOnlyDictionary<string, string>)new Dictionary<string, string>(), (string?)null));

    private Task<bool> RecordAsync(Guid id, ServiceState state, string? reason, string? containerId, string version, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue(id, out var row))
            {
                return Task.FromResult(false);
            }

            _rows[id] = row with { Instance = row.Instance with { State = state, Reason = reason, ContainerId = containerId, Version = version, UpdatedAt = now } };
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteAsync(Guid id, CancellationToken ct = default) => Task.FromResult(_rows.TryRemove(id, out _));

    public Task<bool> TryTransitionAsync(Guid id, ServiceState from, ServiceState to, string? reason, string? containerId, string version, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return _rows.TryGetValue(id, out var row) && row.Instance.State == from
                ? RecordAsync(id, to, reason, containerId, version, now, ct)
                : Task.FromResult(false);
        }
    }

    public Task<IReadOnlyList<ServiceInstance>> ListUnsettledAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<ServiceInstance>>(_rows.Values.Select(r => r.Instance)
            .Where(i => i.State is ServiceState.Creating or ServiceState.Pulling or ServiceState.Starting).ToList());
}
