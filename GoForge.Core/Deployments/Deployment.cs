namespace GoForge.Core.Deployments;

/// <summary>Where a deployment is in its life. See docs/deployments/state-machine.md (generated from the code).</summary>
public enum DeploymentState
{
    Pending,
    Cloning,
    Building,

    /// <summary>An image application's image is being pulled from its registry.</summary>
    Pulling,
    Deploying,
    Running,
    Failed,
    Canceled,
    RolledBack,

    /// <summary>Replaced by a newer deployment of the same application: still pending when a newer one was queued, or running when a newer one took over.</summary>
    Superseded,

    /// <summary>An image application's pull found the digest already running: nothing was deployed, the running one serves on.</summary>
    Unchanged,
}

public enum DeploymentTrigger
{
    /// <summary>The worker picked the deployment up.</summary>
    Start,

    /// <summary>The worker picked up a rollback: its image exists already, so clone and build are skipped.</summary>
    StartFromImage,
    CloneSucceeded,
    BuildSucceeded,

    /// <summary>The worker picked up a deployment of an image application: it pulls instead of cloning and building.</summary>
    StartPull,

    /// <summary>The image was pulled and tagged as the deployment's own.</summary>
    PullSucceeded,

    /// <summary>The pulled digest is the one running, and no forced deploy was asked for.</summary>
    DigestUnchanged,

    /// <summary>
    /// The commit (resolved without a clone) and build settings match a deployment whose image is still on the
    /// engine (<see cref="BuildFingerprint"/>): clone and build are skipped.
    /// </summary>
    ReuseImage,

    /// <summary>The worker picked up a <see cref="DeploymentKind.Restart"/>: the running deployment's image with the current settings, no clone, no build.</summary>
    StartRestart,

    /// <summary>The container started and passed its health check.</summary>
    BecameHealthy,

    /// <summary>A step failed, timed out, or was interrupted by a restart; the reason says which.</summary>
    Fail,
    Cancel,
    RollBack,
    Supersede,
}

/// <summary>What started a deployment.</summary>
public enum DeploymentSource
{
    Manual,
    Webhook,
    Rollback,
    Api,

    /// <summary>Queued by the reconciler: the running deployment's container was gone, so its image is started again (docs/deployments/after-a-crash.md).</summary>
    Recovery,

    /// <summary>Queued by the digest check: the registry's digest of an image application's reference differs from the running one.</summary>
    ImageUpdate,
}

/// <summary>What a deployment does (docs/deployments/apply-and-stop.md).</summary>
public enum DeploymentKind
{
    /// <summary>Clone and build the commit (or reuse an image with the same <see cref="BuildFingerprint"/>), or start a rollback's kept image.</summary>
    Build,

    /// <summary>"Apply": recreate the container from the running deployment's image with the current settings, start-first and drained like a deploy.</summary>
    Restart,
}

public sealed record Deployment
{
    public required Guid Id { get; init; }

    public required Guid ApplicationId { get; init; }

    public required DeploymentState State { get; init; }

    public required DeploymentSource Source { get; init; }

    /// <summary>The user who asked for it; null for webhooks.</summary>
    public Guid? RequestedBy { get; init; }

    /// <summary>The commit to deploy when known up front (a webhook's pushed commit); otherwise the branch head at clone time.</summary>
    public string? CommitSha { get; init; }

    public string? CommitMessage { get; init; }

    public string? CommitAuthor { get; init; }

    /// <summary>For a rollback: the earlier deployment whose image is started again.</summary>
    public Guid? RollbackOf { get; init; }

    public string? ImageTag { get; init; }

    public string? ContainerId { get; init; }

    public DeploymentKind Kind { get; init; } = DeploymentKind.Build;

    /// <summary>The <see cref="Deployments.BuildFingerprint"/> of the image it built or reused; null before that, and for deployments older than it.</summary>
    public string? BuildFingerprint { get; init; }

    /// <summary>The <see cref="SettingsFingerprint"/> of the settings its container was started with; null before that.</summary>
    public string? SettingsFingerprint { get; init; }

    /// <summary>Clone and build even when an image with the same build fingerprint is kept ("force rebuild").</summary>
    public bool ForceRebuild { get; init; }

    /// <summary>Why it failed, was canceled or superseded; null otherwise.</summary>
    public string? Reason { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>For an image application: the registry reference it pulls (or, for a rollback, pulled); null for Git ones.</summary>
    public string? ImageReference { get; init; }

    /// <summary>The digest (<c>sha256:…</c>) the pull resolved the reference to; null until pulled, and for Git ones.</summary>
    public string? ImageDigest { get; init; }

    /// <summary>Deploy even when the pulled digest is the one running (the user's "force").</summary>
    public bool ForceDeploy { get; init; }

    /// <summary>
    /// Set for a pull request preview's deployment (docs/decisions/previews.md): its lane is (application, preview), so
    /// it never supersedes, blocks or retires the application's own deployments; it serves the preview's host only.
    /// </summary>
    public Guid? PreviewId { get; init; }

    public bool IsFinished => State is DeploymentState.Failed or DeploymentState.Canceled or DeploymentState.RolledBack or DeploymentState.Superseded or DeploymentState.Unchanged;
}

/// <summary>One recorded step of a deployment's life: the audit trail of its state.</summary>
public sealed record DeploymentTransition(
    Guid DeploymentId,
    DeploymentState? From,
    DeploymentState To,
    string? Reason,
    Guid? ActorUserId,
    DateTimeOffset OccurredAt);

/// <summary>What a state says about the work, in one place (the SQL lists beside the repositories name the same states).</summary>
public static class DeploymentStateFacts
{
    /// <summary>Work is under way: cloning, building, pulling or deploying (a pending one waits; the others are done).</summary>
    public static bool IsInProgress(this DeploymentState state) =>
        state is DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Pulling or DeploymentState.Deploying;
}
