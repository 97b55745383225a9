namespace GoForge.Core.Compose;

/// <summary>
/// What the Overview, the teardown and the reconciler ask of a compose application's per-service rows across its
/// deployments (the rows <see cref="IComposeDeployments"/> writes), each in one round trip.
/// </summary>
public interface IComposeServiceHistory
{
    /// <summary>The application's newest deployment in Running with its services in start order; null when none runs.</summary>
    Task<ComposeServiceSet?> FindRunningAsync(Guid applicationId, CancellationToken ct = default);

    /// <summary>Every service row of every deployment of the application (newest deployment first): the names and images it ever had.</summary>
    Task<IReadOnlyList<ComposeServiceSet>> ListAllAsync(Guid applicationId, CancellationToken ct = default);
}

/// <summary>One deployment's services, in start order.</summary>
public sealed record ComposeServiceSet(Guid DeploymentId, IReadOnlyList<ComposeServiceRecord> Services);
