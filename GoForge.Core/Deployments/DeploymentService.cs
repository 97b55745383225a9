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
    ApplicationService applications,
    ProjectAccess access,
    IAuditLog audit,
    TimeProvider time)
{
    private const string What = "deployment";

    /// <summary>Queues a deployment of the application (of <paramref name="commitSha"/>, or the branch head when null); older pending ones of the same application are superseded.</summary>
    public async Task<Result<Deployment>> EnqueueAsync(Actor actor, Guid applicationId, string? commitSha = null, DeploymentSource source = DeploymentSource.Manual, CancellationToken ct = default)
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

        var now = time.GetUtcNow();
        var deployment = new Deployment
        {
            Id = Guid.CreateVersion7(now),
            ApplicationId = applicationId,
            State = DeploymentState.Pending,
            Source = source,
            RequestedBy = actor.UserId,
            CommitSha = commitSha,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await deployments.CreateAsync(deployment, ct);
        foreach (var older in await deployments.ListPendingAsync(applicationId, now, deployment.Id, ct))
        {
            // A pending one the worker took meanwhile is simply not superseded; it runs and the newer one follows.
            await states.TransitionAsync(older, DeploymentTrigger.Supersede, TransitionRequest.System($"superseded by {deployment.Id}"), ct);
        }

        signal.Wake();
        await audit.RecordAsync(time, actor, AuditActions.DeploymentQueued, $"application:{app.Value.Slug}", deployment.Id.ToString(), ct);
        return deployment;
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
        var request = new TransitionRequest($"canceled by {actor.Login}", actor.UserId, mayDeploy);
        var result = await states.TransitionAsync(deploymentId, DeploymentTrigger.Cancel, request, ct);
        if (result.IsSuccess)
        {
            cancellations.Cancel(deploymentId);
            await audit.RecordAsync(time, actor, AuditActions.DeploymentCanceled, $"application:{app.Value.Slug}", deploymentId.ToString(), ct);
        }

        return result;
    }

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CommitSha();
}
