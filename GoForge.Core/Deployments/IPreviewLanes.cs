using GoForge.Core.Common;
using GoForge.Core.Projects;

namespace GoForge.Core.Deployments;

/// <summary>
/// What the deployment runner needs of a pull request preview (<see cref="Deployment.PreviewId"/>), implemented above
/// Deployments by the Previews feature, the same pattern as <see cref="IComposeDeployStep"/>: the runner builds and
/// starts a preview's container through the same steps as the application's, with the plan's variables, source and
/// host instead of the application's (docs/decisions/previews.md).
/// </summary>
public interface IPreviewLanes
{
    /// <summary>
    /// The plan for <paramref name="deployment"/> of <paramref name="app"/>, whose variables are <paramref name="all"/>;
    /// an error (the deployment fails with its message) when the preview is closed or gone, its head moved past the
    /// commit this deployment was queued for, or the application cannot have previews.
    /// </summary>
    Task<Result<PreviewPlan>> PlanAsync(Deployment deployment, Application app, IReadOnlyList<EnvironmentVariable> all, CancellationToken ct);

    /// <summary>The preview's deployment ended (in any state): the preview follows it (running, failed).</summary>
    Task FinishedAsync(Guid deploymentId, CancellationToken ct);
}

/// <summary>How a preview's deployment differs from the application's.</summary>
/// <param name="Variables">Only the variables marked "available to previews" (<c>PreviewVariables</c>), for the build and the container.</param>
/// <param name="Source">The pull request's head: its repository and branch, cloned at the deployment's commit.</param>
/// <param name="Host">The preview's only route: the application's preview pattern with the pull request's number.</param>
public sealed record PreviewPlan(Guid PreviewId, int Number, IReadOnlyList<EnvironmentVariable> Variables, CloneSource Source, string Host);

/// <summary>
/// Where a clone comes from when it is not the application's own repository and branch: a pull request's head. The
/// application's credentials go only to the application's own repository URL; any other (a fork) is cloned without.
/// </summary>
public sealed record CloneSource(string RepositoryUrl, string Branch, bool UseApplicationCredentials);
