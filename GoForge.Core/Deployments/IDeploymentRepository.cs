namespace GoForge.Core.Deployments;

public interface IDeploymentRepository
{
    /// <summary>
    /// Inserts a pending deployment with its first transition (none → Pending) and, in the same transaction, applies
    /// <paramref name="supersession"/> to the application's other deployments in its <see cref="Supersession.From"/>
    /// state (each with its transition). Queueings of one application are serialised, and the database's clock stamps
    /// <see cref="Deployment.CreatedAt"/>, so the newest deployment is the one queued last. One round trip.
    /// </summary>
    Task<QueuedDeployment> QueueAsync(Deployment deployment, Supersession supersession, CancellationToken ct = default);

    Task<Deployment?> GetAsync(Guid id, CancellationToken ct = default);

    /// <summary>The application's own deployments (not its previews'), newest first.</summary>
    Task<IReadOnlyList<Deployment>> ListByApplicationAsync(Guid applicationId, int limit, CancellationToken ct = default);

    /// <summary>The newest <paramref name="limit"/> deployments of any of these applications, newest first, in one query.</summary>
    Task<IReadOnlyList<Deployment>> ListRecentAsync(IReadOnlyCollection<Guid> applicationIds, int limit, CancellationToken ct = default);

    /// <summary>
    /// Moves the deployment from <paramref name="from"/> to <paramref name="to"/> and records the transition, in one
    /// transaction; false (and nothing written) when the deployment is no longer in <paramref name="from"/>, or when
    /// the move would make a second active deployment of the same application.
    /// </summary>
    Task<bool> TryTransitionAsync(Guid id, DeploymentState from, DeploymentState to, string? reason, Guid? actorUserId, DateTimeOffset now, CancellationToken ct = default);

    Task<IReadOnlyList<DeploymentTransition>> ListTransitionsAsync(Guid id, CancellationToken ct = default);

    /// <summary>1 for the next deployment the worker takes; null when the deployment is not pending.</summary>
    Task<int?> QueuePositionAsync(Guid id, CancellationToken ct = default);

    /// <summary>Records the commit that was cloned.</summary>
    Task RecordCommitAsync(Guid id, ClonedCommit commit, CancellationToken ct = default);

    /// <summary>Records the built image's tag and the started container's id (either may be null to leave it).</summary>
    Task RecordArtifactsAsync(Guid id, string? imageTag, string? containerId, CancellationToken ct = default);

    /// <summary>The application's own deployments in Running (a preview's are not the application's).</summary>
    Task<IReadOnlyList<Deployment>> ListRunningAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>Every deployment of the application's pull request previews (any preview, any state), newest first.</summary>
    Task<IReadOnlyList<Deployment>> ListPreviewDeploymentsAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>A preview's deployments (<see cref="Deployment.PreviewId"/>), newest first.</summary>
    Task<IReadOnlyList<Deployment>> ListByPreviewAsync(Guid previewId, int limit, CancellationToken ct = default);

    /// <summary>Pending deployments, oldest first, whose application has no active deployment.</summary>
    Task<IReadOnlyList<Guid>> ListRunnableAsync(int limit, CancellationToken ct = default);

    /// <summary>Deployments waiting in the queue (pending), of every application.</summary>
    Task<int> CountPendingAsync(CancellationToken ct = default);

    /// <summary>Deployments in cloning, building or deploying.</summary>
    Task<IReadOnlyList<Guid>> ListActiveAsync(CancellationToken ct = default);

    /// <summary>Appends log lines after the last one stored; returns them as stored, numbered.</summary>
    Task<IReadOnlyList<DeploymentLogLine>> AppendLogAsync(Guid deploymentId, IReadOnlyList<string> lines, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The application's deployments that carry an image not yet pruned, newest first.</summary>
    Task<IReadOnlyList<RetainedImage>> ListImagesAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>Records that the image tag was removed from the engine, for every deployment of the application that carries it.</summary>
    Task MarkImagePrunedAsync(Guid applicationId, string imageTag, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Log lines numbered after <paramref name="afterLine"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeploymentLogLine>> ListLogAsync(Guid deploymentId, int afterLine, int limit, CancellationToken ct = default);
}

/// <summary>An image a deployment built (or reused) that has not been pruned; <see cref="Served"/> when the deployment ever reached Running.</summary>
public sealed record RetainedImage(Guid DeploymentId, string ImageTag, DeploymentState State, bool Served, DateTimeOffset CreatedAt);

public sealed record DeploymentLogLine(int LineNo, DateTimeOffset LoggedAt, string Text);
