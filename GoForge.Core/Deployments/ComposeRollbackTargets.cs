namespace GoForge.Core.Deployments;

/// <summary>
/// A compose application's rollback targets: its earlier deployments that served (Superseded or RolledBack), newest
/// first. Their images are in their service rows, not on the deployment row, so each is shown as its set
/// (<c>compose set &lt;commit&gt;</c>); the rollback reads the set's stored file and rows again.
/// </summary>
internal static class ComposeRollbackTargets
{
    public const int Listed = 20;

    public static async Task<IReadOnlyList<RetainedImage>> ListAsync(IDeploymentRepository deployments, Deployment running, CancellationToken ct) =>
        (await deployments.ListByApplicationAsync(running.ApplicationId, Listed, ct))
            .Where(d => d.Id != running.Id && d.State is DeploymentState.Superseded or DeploymentState.RolledBack)
            .OrderByDescending(d => d.CreatedAt)
            .Select(d => new RetainedImage(d.Id, $"compose set {(d.CommitSha is { Length: >= 12 } sha ? sha[..12] : d.Id.ToString("N")[..12])}", d.State, true, d.CreatedAt))
            .ToList();
}
