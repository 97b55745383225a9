using GoForge.Core.Common;
using GoForge.Core.Compose;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Monitoring;

/// <summary>One service of a compose application's running deployment, as the Overview and the API show it.</summary>
/// <param name="Record">Its row: state, image, container, routed.</param>
/// <param name="Domains">The application's domains that route to it (empty when it is not routed).</param>
/// <param name="Container">Its container as the engine reports it now; null when the engine has none (removed, or not seen yet).</param>
public sealed record ComposeServiceView(ComposeServiceRecord Record, IReadOnlyList<AppDomainRoute> Domains, ContainerSnapshot? Container);

/// <summary>A compose application's services as they run.</summary>
/// <param name="DeploymentId">The running deployment; null when none runs (never deployed, stopped, or not a compose application).</param>
public sealed record ComposeOverview(Guid? DeploymentId, IReadOnlyList<ComposeServiceView> Services)
{
    public static readonly ComposeOverview None = new(null, []);
}

/// <summary>
/// What viewers of a project (View) see of a compose application's services: the running deployment's rows in start
/// order, each with its domains and its container's live state. An application the actor may not see is not found, as
/// everywhere; an application that is not a compose one has no services.
/// </summary>
public sealed class ComposeOverviewService(ApplicationService applications, IComposeServiceHistory history, ContainerStateTracker tracker)
{
    public async Task<Result<ComposeOverview>> GetAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var found = await applications.GetAsync(actor, applicationId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var application = found.Value;
        if (application.Source != ApplicationSourceKind.Compose)
        {
            return ComposeOverview.None;
        }

        if (await history.FindRunningAsync(applicationId, ct) is not { } running)
        {
            return ComposeOverview.None;
        }

        return new ComposeOverview(running.DeploymentId, [.. running.Services.Select(r => new ComposeServiceView(
            r,
            [.. application.Domains.Where(d => string.Equals(d.Service, r.Service, StringComparison.Ordinal))],
            ContainerOf(application.Id, r)))]);
    }

    // The row's own container when the engine still has it; else the service's newest (a recreation by the reconciler).
    private ContainerSnapshot? ContainerOf(Guid applicationId, ComposeServiceRecord record) =>
        record.ContainerId is { } id && tracker.Find(id) is { } own ? own : tracker.CurrentFor(Workload.Compose(applicationId, record.Service));
}
