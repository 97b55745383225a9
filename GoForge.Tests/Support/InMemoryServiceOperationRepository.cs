using GoForge.Core.Services;

namespace GoForge.Tests.Support;

/// <summary>The service operation queue in memory, for component tests over in-memory projects (the real one is tested on PostgreSQL).</summary>
public sealed class InMemoryServiceOperationRepository : IServiceOperationRepository
{
    private readonly Dictionary<Guid, ServiceOperation> _rows = [];
    private readonly Lock _gate = new();

    public Task<bool> TryEnqueueAsync(ServiceOperation operation, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_rows.Values.Any(o => o.ServiceId == operation.ServiceId && !o.IsEnded))
            {
                return Task.FromResult(false);
            }

            _rows[operation.Id] = operation;
            return Task.FromResult(true);
        }
    }

    public Task<ServiceOperation?> GetAsync(Guid id, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.GetValueOrDefault(id));
        }
    }

    public Task<ServiceOperation?> GetInFlightAsync(Guid serviceId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.Values.FirstOrDefault(o => o.ServiceId == serviceId && !o.IsEnded));
        }
    }

    public Task<IReadOnlyList<ServiceOperation>> ClaimAsync(int limit, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var claimed = _rows.Values.Where(o => o.State == ServiceOperationState.Queued).OrderBy(o => o.CreatedAt).Take(limit)
                .Select(o => o with { State = ServiceOperationState.Running, StartedAt = now }).ToList();
            claimed.ForEach(o => _rows[o.Id] = o);
            return Task.FromResult<IReadOnlyList<ServiceOperation>>(claimed);
        }
    }

    public Task<bool> TryEndAsync(Guid id, ServiceOperationState state, string outcome, DateTimeOffset now, CancellationToken ct = default) =>
        Task.FromResult(End(id, o => !o.IsEnded, state, outcome, now));

    public Task<bool> TryCancelQueuedAsync(Guid id, string outcome, DateTimeOffset now, CancellationToken ct = default) =>
        Task.FromResult(End(id, o => o.State == ServiceOperationState.Queued, ServiceOperationState.Canceled, outcome, now));

    public Task<IReadOnlyList<ServiceOperation>> EndRunningAsync(string outcome, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var running = _rows.Values.Where(o => o.State == ServiceOperationState.Running).ToList();
            running.ForEach(o => End(o.Id, _ => true, ServiceOperationState.Failed, outcome, now));
            return Task.FromResult<IReadOnlyList<ServiceOperation>>(running);
        }
    }

    public Task<IReadOnlyList<ServiceOperation>> ListRecentAsync(Guid serviceId, int limit, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ServiceOperation>>(_rows.Values.Where(o => o.ServiceId == serviceId).OrderByDescending(o => o.CreatedAt).Take(limit).ToList());
        }
    }

    private bool End(Guid id, Func<ServiceOperation, bool> when, ServiceOperationState state, string outcome, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue(id, out var operation) || !when(operation))
            {
                return false;
            }

            _rows[id] = operation with { State = state, Outcome = outcome, EndedAt = now };
            return true;
        }
    }
}
