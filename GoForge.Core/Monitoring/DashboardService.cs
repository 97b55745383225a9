using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Monitoring;

/// <summary>How an application is doing, as the dashboard counts it.</summary>
public enum ApplicationHealth
{
    /// <summary>Exited with an error, restarting, dead or failing its health check: shown first.</summary>
    Unhealthy,
    Running,
    Stopped,
    NotDeployed,
}

/// <summary>One application on the dashboard.</summary>
public sealed record DashboardApplication(Guid Id, string Name, Guid ProjectId, string ProjectName, ApplicationHealth Health, ContainerSnapshot? Container);

/// <summary>One recent deployment on the dashboard.</summary>
public sealed record DashboardDeployment(Deployment Deployment, string ApplicationName, Guid ProjectId);

/// <summary>What the dashboard shows the actor: only applications of projects they are in (all of them for admins).</summary>
public sealed record DashboardSummary(
    IReadOnlyList<DashboardApplication> Applications,
    IReadOnlyDictionary<ApplicationHealth, int> Counts,
    IReadOnlyList<DashboardDeployment> RecentDeployments,
    bool EngineConnected);

/// <summary>
/// The dashboard's figures: applications by health (unhealthy first), recent deployments, for the actor's projects.
/// Container state comes from the <see cref="ContainerStateTracker"/>, so it is live and costs no engine call.
/// </summary>
public sealed class DashboardService(
    IProjectRepository projects,
    IApplicationRepository applications,
    IDeploymentRepository deployments,
    ContainerStateTracker tracker)
{
    public const int RecentDeploymentCount = 10;

    public async Task<Result<DashboardSummary>> GetAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var visible = (await projects.ListAsync(actor.IsAdmin ? null : actor.UserId, ct)).Where(p => actor.MayReach(p.Project.Id)).ToList();
        var projectNames = visible.ToDictionary(p => p.Project.Id, p => p.Project.Name);

        // Two queries whatever the number of projects and applications: it runs again on every container change.
        var apps = (await applications.ListByProjectsAsync(projectNames.Keys, ct))
            .Select(app =>
            {
                var container = tracker.CurrentFor(app.Id);
                return new DashboardApplication(app.Id, app.Name, app.ProjectId, projectNames[app.ProjectId], HealthOf(container), container);
            })
            .ToList();
        var byId = apps.ToDictionary(a => a.Id);
        var recent = (await deployments.ListRecentAsync(byId.Keys, RecentDeploymentCount, ct))
            .Select(d => new DashboardDeployment(d, byId[d.ApplicationId].Name, byId[d.ApplicationId].ProjectId))
            .ToList();

        var ordered = apps.OrderBy(a => a.Health).ThenBy(a => a.ProjectName, StringComparer.OrdinalIgnoreCase).ThenBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var counts = Enum.GetValues<ApplicationHealth>().ToDictionary(h => h, h => apps.Count(a => a.Health == h));
        return new DashboardSummary(ordered, counts, recent, tracker.EngineConnected);
    }

    public static ApplicationHealth HealthOf(ContainerSnapshot? container) => container switch
    {
        null or { State: ContainerRunState.Removed } => ApplicationHealth.NotDeployed,
        { IsUnhealthy: true } => ApplicationHealth.Unhealthy,
        { IsRunning: true } => ApplicationHealth.Running,
        _ => ApplicationHealth.Stopped,
    };
}
