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
    IEnvironmentRepository environments,
    IApplicationRepository applications,
    IDeploymentRepository deployments,
    ContainerStateTracker tracker)
{
    public const int RecentDeploymentCount = 10;

    public async Task<Result<DashboardSummary>> GetAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var visible = (await projects.ListAsync(actor.IsAdmin ? null : actor.UserId, ct)).Where(p => actor.MayReach(p.Project.Id)).ToList();
        var apps = new List<DashboardApplication>();
        var recent = new List<DashboardDeployment>();
        foreach (var summary in visible)
        {
            foreach (var environment in await environments.ListAsync(summary.Project.Id, ct))
            {
                foreach (var app in await applications.ListByEnvironmentAsync(environment.Id, ct))
                {
                    var container = tracker.CurrentFor(app.Id);
                    apps.Add(new DashboardApplication(app.Id, app.Name, summary.Project.Id, summary.Project.Name, HealthOf(container), container));
                    recent.AddRange((await deployments.ListByApplicationAsync(app.Id, RecentDeploymentCount, ct))
                        .Select(d => new DashboardDeployment(d, app.Name, summary.Project.Id)));
                }
            }
        }

        var ordered = apps.OrderBy(a => a.Health).ThenBy(a => a.ProjectName, StringComparer.OrdinalIgnoreCase).ThenBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var counts = Enum.GetValues<ApplicationHealth>().ToDictionary(h => h, h => apps.Count(a => a.Health == h));
        var latest = recent.OrderByDescending(d => d.Deployment.CreatedAt).Take(RecentDeploymentCount).ToList();
        return new DashboardSummary(ordered, counts, latest, tracker.EngineConnected);
    }

    public static ApplicationHealth HealthOf(ContainerSnapshot? container) => container switch
    {
        null or { State: ContainerRunState.Removed } => ApplicationHealth.NotDeployed,
        { IsUnhealthy: true } => ApplicationHealth.Unhealthy,
        { IsRunning: true } => ApplicationHealth.Running,
        _ => ApplicationHealth.Stopped,
    };
}
