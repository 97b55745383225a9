using GoForge.Core.Common;

namespace GoForge.Core.Projects;

/// <summary>
/// Takes away what running applications left outside the database (routes, containers, images) before their rows
/// are deleted. Projects owns the port because deleting is a project operation; the deployments feature, which knows
/// what was deployed, implements it.
/// </summary>
public interface IApplicationTeardown
{
    /// <summary>Removes routes, then containers, then images; a failure is a conflict and nothing should be deleted.</summary>
    Task<Result> TearDownAsync(IReadOnlyCollection<Guid> applicationIds, CancellationToken ct);
}
