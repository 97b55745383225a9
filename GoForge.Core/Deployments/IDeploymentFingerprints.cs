namespace GoForge.Core.Deployments;

/// <summary>The fingerprints a deployment records (migration 0018), and the image a same-commit redeploy reuses.</summary>
public interface IDeploymentFingerprints
{
    /// <summary>Records the <see cref="BuildFingerprint"/> of the image the deployment built or reused.</summary>
    Task RecordBuildAsync(Guid deploymentId, string buildFingerprint, CancellationToken ct = default);

    /// <summary>Records the <see cref="SettingsFingerprint"/> of the settings the deployment's container was started with.</summary>
    Task RecordSettingsAsync(Guid deploymentId, string settingsFingerprint, CancellationToken ct = default);

    /// <summary>
    /// The application's deployments, newest first, that built or reused an image with this fingerprint not yet
    /// pruned, apart from <paramref name="exceptDeploymentId"/>: their image may be started instead of building.
    /// </summary>
    Task<IReadOnlyList<ReusableImage>> ListReusableAsync(Guid applicationId, string buildFingerprint, Guid exceptDeploymentId, CancellationToken ct = default);
}

public sealed record ReusableImage(Guid DeploymentId, string ImageTag, string? CommitMessage, string? CommitAuthor);
