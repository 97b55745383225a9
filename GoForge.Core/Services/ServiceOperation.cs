namespace GoForge.Core.Services;

/// <summary>What was asked of a service; the <see cref="ServiceWorker"/> does it.</summary>
public enum ServiceOperationKind
{
    Create,
    Start,
    Stop,
    Restart,
    Version,
    Delete,
}

/// <summary>Where an operation is: waiting in the queue, being worked, or ended with its outcome recorded.</summary>
public enum ServiceOperationState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}

/// <summary>
/// One entry of the services' durable queue (docs/decisions/services.md#operations). At most one is queued or running
/// per service; its <see cref="Outcome"/> says how it ended, and survives a restart of the panel.
/// </summary>
public sealed record ServiceOperation
{
    public required Guid Id { get; init; }

    public required Guid ServiceId { get; init; }

    public required Guid ProjectId { get; init; }

    public required ServiceOperationKind Kind { get; init; }

    public required ServiceOperationState State { get; init; }

    /// <summary>The version asked for by a version change; null for the other kinds.</summary>
    public string? Version { get; init; }

    /// <summary>For a delete: whether the volumes stay.</summary>
    public bool KeepVolumes { get; init; } = true;

    /// <summary>The account that asked; null for the command-line operator.</summary>
    public Guid? RequestedBy { get; init; }

    /// <summary>How it ended ("running", "failed: …", "canceled while pulling …"); null while queued or running.</summary>
    public string? Outcome { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public bool IsEnded => State is ServiceOperationState.Succeeded or ServiceOperationState.Failed or ServiceOperationState.Canceled;
}

/// <summary>The services' operation queue in PostgreSQL.</summary>
public interface IServiceOperationRepository
{
    /// <summary>Queues the operation; false when the service already has one queued or running.</summary>
    Task<bool> TryEnqueueAsync(ServiceOperation operation, CancellationToken ct = default);

    Task<ServiceOperation?> GetAsync(Guid id, CancellationToken ct = default);

    /// <summary>The service's queued or running operation, if any.</summary>
    Task<ServiceOperation?> GetInFlightAsync(Guid serviceId, CancellationToken ct = default);

    /// <summary>Moves up to <paramref name="limit"/> queued operations, oldest first, to Running and returns them; rows another panel holds are skipped.</summary>
    Task<IReadOnlyList<ServiceOperation>> ClaimAsync(int limit, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Ends a queued or running operation with its outcome; false when it had already ended.</summary>
    Task<bool> TryEndAsync(Guid id, ServiceOperationState state, string outcome, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Ends a still queued operation as canceled; false when it was picked up or had ended.</summary>
    Task<bool> TryCancelQueuedAsync(Guid id, string outcome, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Ends every running operation as failed with <paramref name="outcome"/>; returns them.</summary>
    Task<IReadOnlyList<ServiceOperation>> EndRunningAsync(string outcome, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The service's most recent operations, newest first.</summary>
    Task<IReadOnlyList<ServiceOperation>> ListRecentAsync(Guid serviceId, int limit, CancellationToken ct = default);
}
