using GoForge.Core.Deployments;
using GoForge.Core.Services;

namespace GoForge.Core.Reconciliation;

/// <summary>What the reconciler reads of the database for one pass: a few set queries, in one round trip, never one per application.</summary>
public interface IReconcilerRepository
{
    /// <param name="deploymentIds">Deployment ids found on containers: which exist, and in what state.</param>
    /// <param name="environmentIds">Environment ids found on networks: which exist.</param>
    Task<ReconcileState> LoadAsync(IReadOnlyCollection<Guid> deploymentIds, IReadOnlyCollection<Guid> environmentIds, CancellationToken ct = default);
}

/// <summary>The database as one pass sees it.</summary>
/// <param name="Applications">Every application, and whether it has a domain (a route is expected).</param>
/// <param name="Running">Every deployment in Running, oldest first.</param>
/// <param name="ActiveApplications">Applications with a deployment in Cloning, Building or Deploying.</param>
/// <param name="NewestDeploymentAt">Per application, when its newest deployment (any state) was created.</param>
/// <param name="Deployments">The state of each asked-for deployment that exists.</param>
/// <param name="Services">Every service instance.</param>
/// <param name="Environments">The asked-for environments that exist.</param>
public sealed record ReconcileState(
    IReadOnlyDictionary<Guid, bool> Applications,
    IReadOnlyList<RunningDeployment> Running,
    IReadOnlySet<Guid> ActiveApplications,
    IReadOnlyDictionary<Guid, DateTimeOffset> NewestDeploymentAt,
    IReadOnlyDictionary<Guid, DeploymentState> Deployments,
    IReadOnlyDictionary<Guid, ServiceRecord> Services,
    IReadOnlySet<Guid> Environments)
{
    /// <summary>Applications a user stopped (docs/deployments/apply-and-stop.md): their container is neither started nor redeployed.</summary>
    public IReadOnlySet<Guid> StoppedApplications { get; init; } = new HashSet<Guid>();
}

public sealed record RunningDeployment(Guid Id, Guid ApplicationId, DeploymentSource Source, string? ImageTag, string? ContainerId, DateTimeOffset CreatedAt);

/// <param name="InFlight">An operation of the service is queued or running.</param>
/// <param name="HasDomain">Served on a domain through the proxy (a template with <c>http</c> and a domain given).</param>
public sealed record ServiceRecord(Guid Id, ServiceState State, string? ContainerId, bool InFlight, bool HasDomain);
