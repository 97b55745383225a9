using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;

namespace GoForge.Core.Previews;

/// <summary>
/// The runner's view of a preview (<see cref="IPreviewLanes"/>): the boundary is checked again when the deployment
/// starts, not only when it was queued, because a push, a close or a changed setting may come in between. A fork's
/// head is cloned from the fork, without the application's credentials, and only the variables marked for previews
/// reach its build and container (docs/decisions/previews.md).
/// </summary>
public sealed class PreviewLanes(IPreviewRepository previews, IDeploymentRepository deployments, IApplicationRepository applications, PreviewTeardown teardown) : IPreviewLanes
{
    public async Task<Result<PreviewPlan>> PlanAsync(Deployment deployment, Application app, IReadOnlyList<EnvironmentVariable> all, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(all);
        if (deployment.PreviewId is not { } id || await previews.GetAsync(id, ct) is not { } preview || preview.ApplicationId != app.Id)
        {
            return Error.Conflict("the preview no longer exists");
        }

        var n = preview.Number;
        if (preview.State == PreviewState.Closed)
        {
            return Error.Conflict($"the preview of pull request #{n} was closed");
        }

        if (app.Source != ApplicationSourceKind.Git)
        {
            return Error.Conflict("previews are built only for applications built from a Git repository");
        }

        if (!string.Equals(deployment.CommitSha, preview.HeadCommit, StringComparison.Ordinal))
        {
            return Error.Conflict($"pull request #{n} moved to {PreviewDecisions.Short(preview.HeadCommit)}: this commit is no longer its head");
        }

        if (preview.IsFork && !preview.IsApproved)
        {
            return Error.Conflict($"pull request #{n} comes from a fork and {PreviewDecisions.Short(preview.HeadCommit)} is not approved");
        }

        var settings = await previews.GetSettingsAsync(app.Id, ct);
        var pattern = PreviewDomainPattern.Parse(settings?.DomainPattern).Pattern;
        if (settings is not { Enabled: true } || pattern is null)
        {
            return Error.Conflict("preview deployments are off for this application, or have no domain pattern");
        }

        // The payload's head branch and (for a fork) repository are input like any form field: the same rules apply.
        var url = preview.IsFork ? preview.HeadRepository : app.GitUrl;
        var errors = new FieldErrors();
        ProjectInputRules.ValidateBranch(preview.HeadRef, errors, "HeadRef");
        ProjectInputRules.ValidateGitUrl(url, errors, "HeadRepository");
        if (!errors.IsEmpty)
        {
            return Error.Conflict($"the head of pull request #{n} cannot be cloned: {errors.ToError().Message}");
        }

        var marked = await previews.ListPreviewVariableIdsAsync(app.Id, ct);
        return new PreviewPlan(preview.Id, n, PreviewVariables.For(all, marked), new CloneSource(url, preview.HeadRef!, UseApplicationCredentials: !preview.IsFork),
            pattern.HostOf(n));
    }

    public async Task FinishedAsync(Guid deploymentId, CancellationToken ct)
    {
        if (await deployments.GetAsync(deploymentId, ct) is not { PreviewId: { } previewId, CommitSha: { } commit } deployment
            || await previews.GetAsync(previewId, ct) is not { } preview)
        {
            return;
        }

        if (preview.State == PreviewState.Closed)
        {
            // Closed while it built or started: what it left goes now.
            if (await applications.GetAsync(preview.ApplicationId, ct) is { } app)
            {
                await teardown.RemoveLeftoversAsync(app, preview, ct);
            }

            return;
        }

        PreviewState? outcome = deployment.State switch
        {
            DeploymentState.Running => PreviewState.Running,
            DeploymentState.Failed or DeploymentState.Canceled => PreviewState.Failed,
            _ => null,
        };
        if (outcome is { } state)
        {
            var reason = state == PreviewState.Running
                ? $"serves {PreviewDecisions.Short(commit)}"
                : $"{(deployment.State == DeploymentState.Canceled ? "canceled" : "failed")}: {deployment.Reason ?? "no reason recorded"}";
            await previews.SetOutcomeAsync(previewId, commit, state, reason, ct);
        }
    }
}
