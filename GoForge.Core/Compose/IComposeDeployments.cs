namespace GoForge.Core.Compose;

/// <summary>
/// What a compose application's deployment holds beyond a single-container one's: the snapshot of its compose files, and
/// one row per service (its image, its container, its state). The deployment row's own image and container columns stay
/// null for a compose deployment.
/// </summary>
public interface IComposeDeployments
{
    /// <summary>Stores the files the deployment was read from (once, after the clone).</summary>
    Task SaveSnapshotAsync(Guid deploymentId, ComposeSnapshot snapshot, CancellationToken ct = default);

    /// <summary>The files deployment <paramref name="deploymentId"/> was read from; null when it has none (not a compose deployment, or it failed before reading).</summary>
    Task<ComposeSnapshot?> GetSnapshotAsync(Guid deploymentId, CancellationToken ct = default);

    /// <summary>Inserts or replaces the row of <see cref="ComposeServiceRecord.Service"/> in deployment <paramref name="deploymentId"/>.</summary>
    Task SaveServiceAsync(Guid deploymentId, ComposeServiceRecord record, CancellationToken ct = default);

    /// <summary>The deployment's services in start order; empty for a deployment that is not a compose one.</summary>
    Task<IReadOnlyList<ComposeServiceRecord>> ListServicesAsync(Guid deploymentId, CancellationToken ct = default);
}

/// <summary>Where one service of a compose deployment is.</summary>
public enum ComposeServiceState
{
    /// <summary>Read from the file; nothing built or pulled yet.</summary>
    Pending,
    Building,
    Pulling,

    /// <summary>Its image is ready on the engine.</summary>
    Ready,

    /// <summary>Its container is created and started; not yet healthy (or completed).</summary>
    Starting,

    /// <summary>Healthy, or running as its dependents need; the deployment's set serves.</summary>
    Running,

    /// <summary>Ran to the end with code 0 (a one-off service such as a migration).</summary>
    Completed,
    Failed,

    /// <summary>Its container was removed: the set was replaced, rolled back, or the deployment failed.</summary>
    Removed,
}

/// <summary>One service of a compose deployment.</summary>
/// <param name="Position">Its index in the start order (0 first); also in its container's name.</param>
/// <param name="ImageTag">The image it runs (<c>goforge/&lt;slug&gt;-&lt;service&gt;:&lt;deployment id&gt;</c>); null until built or pulled.</param>
/// <param name="ContainerId">Its container; null until created.</param>
/// <param name="Routed">True when a domain routes to it (it is replaced start-first and health-gated).</param>
/// <param name="Reason">Why it failed; null otherwise.</param>
public sealed record ComposeServiceRecord(string Service, int Position, string? ImageTag, string? ContainerId, bool Routed, ComposeServiceState State, string? Reason = null);
