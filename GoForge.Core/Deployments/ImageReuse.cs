using GoForge.Core.Containers;
using GoForge.Core.Projects;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Deployments;

/// <summary>
/// A same-commit redeploy without clone and build: the branch head is asked of the remote (no clone), the
/// <see cref="BuildFingerprint"/> is worked out, and when a deployment of the application with the same one still
/// has its image on the engine, that image is the new deployment's (docs/deployments/apply-and-stop.md). Anything
/// that stops the check (the remote cannot be asked, the engine cannot be asked) falls back to the clone, which
/// reports the real error.
/// </summary>
public sealed partial class ImageReuse(
    IDeploymentRepository deployments,
    IDeploymentFingerprints fingerprints,
    DeploymentStates states,
    IGitClient git,
    IRepositoryCredentials gitCredentials,
    IContainerLifecycle engine,
    ILogger<ImageReuse> logger)
{
    /// <summary>
    /// <see cref="ReuseOutcome.Tag"/>: the image to start (the deployment is in Deploying then, its commit and
    /// fingerprint recorded); <see cref="ReuseOutcome.Build"/>: clone and build (still in Cloning);
    /// <see cref="ReuseOutcome.Ended"/>: the deployment moved meanwhile (canceled), nothing more to do.
    /// </summary>
    internal async Task<ReuseOutcome> TryAsync(Deployment deployment, Application app, IReadOnlyList<EnvironmentVariable> vars, DeploymentLog log, CancellationToken ct)
    {
        if (deployment.ForceRebuild)
        {
            log.Write("Force rebuild: cloning and building even if an image of this commit is kept");
            return ReuseOutcome.Build;
        }

        string sha;
        try
        {
            var access = await gitCredentials.ResolveAsync(app, ct);
            sha = deployment.CommitSha ?? await git.ResolveBranchHeadAsync(
                new GitCloneRequest(app.GitUrl, app.Branch, null, string.Empty, access.ForClone) { AllowPrivateNetworks = access.AllowPrivateNetworks }, ct);
        }
        catch (Exception e) when (e is GitCloneException or ArgumentException)
        {
            // Not fatal here: the clone asks again and fails with its own words if the remote really is away.
            LogHeadUnknown(logger, deployment.Id, e.Message);
            return ReuseOutcome.Build;
        }

        var fingerprint = BuildFingerprint.Of(sha, app, vars);
        foreach (var candidate in await fingerprints.ListReusableAsync(app.Id, fingerprint, deployment.Id, ct))
        {
            bool present;
            try
            {
                present = await engine.ImageExistsAsync(candidate.ImageTag, ct);
            }
            catch (EngineException e)
            {
                LogImageUnknown(logger, deployment.Id, candidate.ImageTag, e.EngineError);
                return ReuseOutcome.Build;
            }

            if (!present)
            {
                continue;
            }

            log.Write($"Image {candidate.ImageTag} of deployment {candidate.DeploymentId} has this commit and build settings: skipping clone and build");
            var commit = new ClonedCommit(sha, candidate.CommitMessage ?? string.Empty, candidate.CommitAuthor ?? string.Empty, DateTimeOffset.MinValue);
            await deployments.RecordCommitAsync(deployment.Id, commit, ct);
            DeploymentLogScope.Current?.RecordCommit(sha);
            await deployments.RecordArtifactsAsync(deployment.Id, candidate.ImageTag, null, ct);
            await fingerprints.RecordBuildAsync(deployment.Id, fingerprint, ct);
            var reused = await states.TransitionAsync(deployment.Id, DeploymentTrigger.ReuseImage,
                TransitionRequest.System($"image {candidate.ImageTag} of deployment {candidate.DeploymentId} reused"), ct);
            return reused.IsSuccess ? new ReuseOutcome(candidate.ImageTag, false) : ReuseOutcome.Ended;
        }

        return ReuseOutcome.Build;
    }

    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Deployment {DeploymentId}: the branch head could not be asked without a clone ({Reason}); cloning")]
    private static partial void LogHeadUnknown(ILogger logger, Guid deploymentId, string reason);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Deployment {DeploymentId}: the engine could not say whether image {Tag} exists ({Reason}); building")]
    private static partial void LogImageUnknown(ILogger logger, Guid deploymentId, string tag, string reason);
}

/// <summary>What <see cref="ImageReuse.TryAsync"/> decided.</summary>
internal readonly record struct ReuseOutcome(string? Tag, bool Stop)
{
    public static ReuseOutcome Build => new(null, false);

    public static ReuseOutcome Ended => new(null, true);
}
