using GoForge.Core.Common.Live;
using System.Text.RegularExpressions;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Deployments;

/// <summary>
/// Deployments as people see them: queue one, list, look at one, cancel. Every state change goes through the
/// <see cref="DeploymentStateMachine"/> and is in the database before this returns.
/// </summary>
public sealed partial class DeploymentService(
    IDeploymentRepository deployments,
    DeploymentStates states,
    DeploymentSignal signal,
    DeploymentCancellations cancellations,
    ChangeFeed<DeploymentUpdate> feed,
    ApplicationService applications,
    ProjectAccess access,
    IAuditLog audit,
    TimeProvider time)
{
    private const string What = "deployment";

    /// <summary>Queues a deployment of the application (of <paramref name="commitSha"/>, or the branch head when null); older pending ones of the same application are superseded.</summary>
    public Task<Result<Deployment>> EnqueueAsync(Actor actor, Guid applicationId, string? commitSha = null, DeploymentSource source = DeploymentSource.Manual, CancellationToken ct = default) =>
        EnqueueCoreAsync(actor, applicationId, commitSha, source, force: false, forceRebuild: false, ct);

    /// <summary>
    /// Queues a deployment of an image application that deploys even when the pulled digest is the one running
    /// (docs/decisions/registry-image-apps.md); refused for a Git application, which forces a rebuild instead.
    /// </summary>
    public Task<Result<Deployment>> EnqueueForcedAsync(Actor actor, Guid applicationId, DeploymentSource source = DeploymentSource.Manual, CancellationToken ct = default) =>
        EnqueueCoreAsync(actor, applicationId, commitSha: null, source, force: true, forceRebuild: false, ct);

    /// <summary>
    /// For the digest check: queues a deployment of the image application because its registry's digest changed. The
    /// system asks; nobody is recorded.
    /// </summary>
    internal async Task<Deployment> QueueImageUpdateAsync(Application app, string why, CancellationToken ct)
    {
        var deployment = await QueueAsync(null, app.Id, DeploymentSource.ImageUpdate, null, rollbackOf: null, ct, app);
        await audit.RecordAsync(new AuditEvent
        {
            OccurredAt = deployment.CreatedAt,
            Action = AuditActions.DeploymentQueued,
            Target = $"application:{app.Slug}",
            Detail = $"{deployment.Id} ({why})",
            ProjectId = app.ProjectId,
        }, ct);
        return deployment;
    }

    /// <summary>
    /// As the first overload; with <paramref name="forceRebuild"/> a Git application's deployment clones and builds
    /// even when an image of the same commit and build settings is kept (<see cref="BuildFingerprint"/>).
    /// </summary>
    public Task<Result<Deployment>> EnqueueAsync(Actor actor, Guid applicationId, string? commitSha, DeploymentSource source, bool forceRebuild, CancellationToken ct = default) =>
        EnqueueCoreAsync(actor, applicationId, commitSha, source, force: false, forceRebuild, ct);

    private async Task<Result<Deployment>> EnqueueCoreAsync(Actor actor, Guid applicationId, string? commitSha, DeploymentSource source, bool force, bool forceRebuild, CancellationToken ct)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Deploy, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        if (commitSha is not null && !CommitSha().IsMatch(commitSha))
        {
            return Error.Validation("CommitSha", "A commit is a full 40- or 64-character lower-case hexadecimal id.");
        }

        if (app.Value.Source == ApplicationSourceKind.Image && commitSha is not null)
        {
            return Error.Validation("CommitSha", "An application from a registry image has no commits to deploy.");
        }

        if (force && app.Value.Source != ApplicationSourceKind.Image)
        {
            return Error.Validation("Force", "Only an application from a registry image can force a deploy of an unchanged digest.");
        }

        if (forceRebuild && app.Value.Source == ApplicationSourceKind.Image)
        {
            return Error.Validation("ForceRebuild", "An application from a registry image is pulled, not built: force its deploy instead.");
        }

        var deployment = await QueueAsync(actor.AccountId, applicationId, source, commitSha, rollbackOf: null, ct, app.Value, force, forceRebuild);
        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.DeploymentQueued, $"application:{app.Value.Slug}",
            forceRebuild ? $"{deployment.Id} (force rebuild)" : deployment.Id.ToString(), ct);
        return deployment;
    }

    /// <summary>
    /// The deployment of exactly <paramref name="commitSha"/> a push webhook queues, whose signature the caller has
    /// verified with the application's own secret (the secret is the authority, so there is no acting user), with its
    /// supersession and audit event. Nothing is written: the webhook repository stores it with the delivery in one
    /// transaction, and the caller then hands what it stored to <see cref="Announce"/>.
    /// </summary>
    internal Result<DeploymentQueueing> PrepareForPush(Application app, string commitSha, string why)
    {
        if (!CommitSha().IsMatch(commitSha))
        {
            return Error.Validation("CommitSha", "A commit is a full 40- or 64-character lower-case hexadecimal id.");
        }

        var deployment = NewPending(null, app.Id, DeploymentSource.Webhook, commitSha, rollbackOf: null);
        var audited = new AuditEvent
        {
            OccurredAt = deployment.CreatedAt,
            Action = AuditActions.DeploymentQueued,
            Target = $"application:{app.Slug}",
            Detail = $"{deployment.Id} ({why})",
            ProjectId = app.ProjectId,
        };
        return new DeploymentQueueing(deployment, Supersession.Of(deployment), audited);
    }

    /// <summary>Tells live viewers about a stored pending deployment and the ones it superseded, and wakes the worker.</summary>
    internal void Announce(QueuedDeployment queued)
    {
        feed.Publish(new DeploymentStateChanged(queued.Deployment));
        foreach (var older in queued.Superseded)
        {
            feed.Publish(new DeploymentStateChanged(older));
        }

        signal.Wake();
    }

    /// <summary>
    /// Queues a rollback: a deployment that starts the image of an earlier deployment that served (the newest such
    /// one whose image is still kept, or <paramref name="targetDeploymentId"/>) through the same deploy step; when it
    /// is healthy, the deployment running now becomes RolledBack. Needs the deploy right and a running deployment.
    /// </summary>
    public async Task<Result<Deployment>> RollbackAsync(Actor actor, Guid applicationId, Guid? targetDeploymentId = null, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var mayDeploy = (await access.CheckAsync(actor, app.Value.ProjectId, ProjectAction.Deploy, What, ct)).IsSuccess;
        if (!mayDeploy)
        {
            return Error.Forbidden("You may not roll back this application.");
        }

        var running = await CurrentAsync(applicationId, ct);
        if (running is null)
        {
            return Error.Conflict("Nothing is running, so there is nothing to roll back.");
        }

        var targets = await RollbackCandidatesAsync(app.Value, running, ct);
        var target = targetDeploymentId is { } wanted ? targets.FirstOrDefault(t => t.DeploymentId == wanted) : targets.Count > 0 ? targets[0] : null;
        if (targetDeploymentId is not null && target is null)
        {
            return ProjectAccess.NotFound("rollback target");
        }

        // The state machine has the last word: a running deployment, the right, and a target.
        var allowed = DeploymentStates.Check(running, DeploymentTrigger.RollBack, new TransitionRequest(null, actor.AccountId, mayDeploy, target is not null));
        if (!allowed.IsSuccess)
        {
            return allowed.Error!;
        }

        var source = (await deployments.GetAsync(target!.DeploymentId, ct))!;
        var deployment = await QueueAsync(actor.AccountId, applicationId, DeploymentSource.Rollback, source.CommitSha, source, ct);
        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.DeploymentRollbackQueued, $"application:{app.Value.Slug}", $"{deployment.Id} to {source.Id}", ct);
        return deployment;
    }

    /// <summary>Earlier deployments of the application whose image is kept and could be started again, newest first.</summary>
    public async Task<Result<IReadOnlyList<RetainedImage>>> RollbackTargetsAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var running = await CurrentAsync(applicationId, ct);
        return running is null ? Result<IReadOnlyList<RetainedImage>>.Ok([]) : Result<IReadOnlyList<RetainedImage>>.Ok(await RollbackCandidatesAsync(app.Value, running, ct));
    }

    /// <summary>The deployment serving now (the newest running one).</summary>
    private async Task<Deployment?> CurrentAsync(Guid applicationId, CancellationToken ct)
    {
        var running = await deployments.ListRunningAsync(applicationId, ct);
        return running.Count > 0 ? running[^1] : null;
    }

    private async Task<IReadOnlyList<RetainedImage>> RollbackCandidatesAsync(Application app, Deployment running, CancellationToken ct) =>
        app.Source == ApplicationSourceKind.Compose ? await ComposeRollbackTargets.ListAsync(deployments, running, ct) :
        (await deployments.ListImagesAsync(running.ApplicationId, ct))
            .Where(i => i.Served && i.DeploymentId != running.Id && i.ImageTag != running.ImageTag && i.State is DeploymentState.Superseded or DeploymentState.RolledBack)
            .DistinctBy(i => i.ImageTag)
            .ToList();

    /// <summary>
    /// For the reconciler: queues a deployment that starts the image of <paramref name="running"/> again, through the
    /// rollback's path (no clone, no build), because its container was gone. The system asks; nobody is recorded.
    /// </summary>
    internal Task<Deployment> QueueRecoveryAsync(Deployment running, CancellationToken ct) =>
        QueueAsync(null, running.ApplicationId, DeploymentSource.Recovery, running.CommitSha, running, ct);

    /// <summary>
    /// For "Apply" (the application runtime service, which checked the person): queues a
    /// <see cref="DeploymentKind.Restart"/> that recreates <paramref name="running"/>'s container from its image with
    /// the current settings.
    /// </summary>
    internal Task<Deployment> QueueRestartAsync(Guid? requestedBy, Deployment running, DeploymentSource source, CancellationToken ct) =>
        QueueAsync(NewPending(requestedBy, running.ApplicationId, source, running.CommitSha, rollbackOf: null) with
        {
            Kind = DeploymentKind.Restart,
            ImageTag = running.ImageTag,
            CommitMessage = running.CommitMessage,
            CommitAuthor = running.CommitAuthor,
            ImageReference = running.ImageReference,
            ImageDigest = running.ImageDigest,
        }, ct);

    private Task<Deployment> QueueAsync(Guid? requestedBy, Guid applicationId, DeploymentSource source, string? commitSha, Deployment? rollbackOf, CancellationToken ct,
        Application? app = null, bool force = false, bool forceRebuild = false) =>
        QueueAsync(NewPending(requestedBy, applicationId, source, commitSha, rollbackOf) with
        {
            // An image application's deployment pulls its reference; a rollback keeps the reference and digest it starts again.
            ImageReference = rollbackOf?.ImageReference ?? (app?.Source == ApplicationSourceKind.Image ? app.ImageReference : null),
            ImageDigest = rollbackOf?.ImageDigest,
            ForceDeploy = force,
            ForceRebuild = forceRebuild,
        }, ct);

    private async Task<Deployment> QueueAsync(Deployment deployment, CancellationToken ct)
    {
        // A pending one the worker took meanwhile is simply not superseded; it runs and the newer one follows.
        var queued = await deployments.QueueAsync(deployment, Supersession.Of(deployment), ct);
        Announce(queued);
        return queued.Deployment;
    }

    private Deployment NewPending(Guid? requestedBy, Guid applicationId, DeploymentSource source, string? commitSha, Deployment? rollbackOf)
    {
        var now = time.GetUtcNow();
        return new Deployment
        {
            Id = Guid.CreateVersion7(now),
            ApplicationId = applicationId,
            State = DeploymentState.Pending,
            Source = source,
            RequestedBy = requestedBy,
            CommitSha = commitSha,
            CommitMessage = rollbackOf?.CommitMessage,
            CommitAuthor = rollbackOf?.CommitAuthor,
            RollbackOf = rollbackOf?.Id,
            ImageTag = rollbackOf?.ImageTag,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public async Task<Result<Deployment>> GetAsync(Actor actor, Guid deploymentId, CancellationToken ct = default)
    {
        var deployment = await deployments.GetAsync(deploymentId, ct);
        if (deployment is null)
        {
            return ProjectAccess.NotFound(What);
        }

        var app = await applications.FindAsync(actor, deployment.ApplicationId, ProjectAction.View, ct);
        return app.IsSuccess ? deployment : ProjectAccess.NotFound(What);
    }

    public async Task<Result<IReadOnlyList<Deployment>>> ListAsync(Actor actor, Guid applicationId, int limit = 50, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        return app.IsSuccess ? Result<IReadOnlyList<Deployment>>.Ok(await deployments.ListByApplicationAsync(applicationId, limit, ct)) : app.Error;
    }

    public async Task<Result<IReadOnlyList<DeploymentTransition>>> HistoryAsync(Actor actor, Guid deploymentId, CancellationToken ct = default)
    {
        var found = await GetAsync(actor, deploymentId, ct);
        return found.IsSuccess ? Result<IReadOnlyList<DeploymentTransition>>.Ok(await deployments.ListTransitionsAsync(deploymentId, ct)) : found.Error;
    }

    /// <summary>Log lines numbered after <paramref name="afterLine"/> (0 for the start), at most <paramref name="limit"/>.</summary>
    public async Task<Result<IReadOnlyList<DeploymentLogLine>>> LogAsync(Actor actor, Guid deploymentId, int afterLine = 0, int limit = 5000, CancellationToken ct = default)
    {
        var found = await GetAsync(actor, deploymentId, ct);
        return found.IsSuccess
            ? Result<IReadOnlyList<DeploymentLogLine>>.Ok(await deployments.ListLogAsync(deploymentId, Math.Max(0, afterLine), limit, ct))
            : found.Error;
    }

    /// <summary>
    /// Pushes every state change and log line of the application's deployments to <paramref name="handler"/> until
    /// the result is disposed. Needs the view right; the handler runs on the publisher's thread and must return quickly.
    /// </summary>
    public async Task<Result<IDisposable>> WatchAsync(Actor actor, Guid applicationId, Action<DeploymentUpdate> handler, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        return app.IsSuccess ? Result<IDisposable>.Ok(feed.Subscribe(applicationId, handler)) : app.Error;
    }

    /// <summary>1 for the next deployment the worker takes; null when not pending.</summary>
    public async Task<Result<int?>> QueuePositionAsync(Actor actor, Guid deploymentId, CancellationToken ct = default)
    {
        var found = await GetAsync(actor, deploymentId, ct);
        return found.IsSuccess ? Result<int?>.Ok(await deployments.QueuePositionAsync(deploymentId, ct)) : found.Error;
    }

    /// <summary>Cancels a pending, cloning or building deployment; needs the deploy right in its project.</summary>
    public async Task<Result<Deployment>> CancelAsync(Actor actor, Guid deploymentId, CancellationToken ct = default)
    {
        var deployment = await deployments.GetAsync(deploymentId, ct);
        if (deployment is null)
        {
            return ProjectAccess.NotFound(What);
        }

        var app = await applications.FindAsync(actor, deployment.ApplicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return ProjectAccess.NotFound(What);
        }

        var mayDeploy = (await access.CheckAsync(actor, app.Value.ProjectId, ProjectAction.Deploy, What, ct)).IsSuccess;
        var request = new TransitionRequest($"canceled by {actor.Login}", actor.AccountId, mayDeploy);
        var result = await states.TransitionAsync(deploymentId, DeploymentTrigger.Cancel, request, ct);
        if (result.IsSuccess)
        {
            cancellations.Cancel(deploymentId);
            await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.DeploymentCanceled, $"application:{app.Value.Slug}", deploymentId.ToString(), ct);
        }

        return result;
    }

    /// <summary>
    /// Queues a pull request preview's deployment of <paramref name="commitSha"/> in the preview's own lane (it
    /// supersedes only that preview's pending ones). Called by the Previews feature, which decided the preview may be
    /// built (the fork boundary) and audits it; <paramref name="requestedBy"/> is null for a webhook's.
    /// </summary>
    internal async Task<Result<Deployment>> QueuePreviewAsync(Application app, Guid previewId, string commitSha, Guid? requestedBy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!CommitSha().IsMatch(commitSha ?? string.Empty))
        {
            return Error.Validation("CommitSha", "A commit is a full 40- or 64-character lower-case hexadecimal id.");
        }

        var source = requestedBy is null ? DeploymentSource.Webhook : DeploymentSource.Manual;
        return await QueueAsync(NewPending(requestedBy, app.Id, source, commitSha, rollbackOf: null) with { PreviewId = previewId }, ct);
    }

    /// <summary>Ends a preview's deployment that has not ended (its pull request closed): pending or in progress is canceled, the work stops.</summary>
    internal async Task StopPreviewDeploymentAsync(Deployment deployment, string why, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.State == DeploymentState.Pending || deployment.State.IsInProgress())
        {
            await states.TransitionAsync(deployment.Id, DeploymentTrigger.Cancel, TransitionRequest.System(why), ct);
            cancellations.Cancel(deployment.Id);
        }
    }

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CommitSha();
}
