using GoForge.Core.Monitoring;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Dashboard;

/// <summary>How an application's health reads on the dashboard.</summary>
public static class HealthWording
{
    /// <summary>The order the counts are shown in: what needs attention first.</summary>
    public static readonly IReadOnlyList<ApplicationHealth> Order =
        [ApplicationHealth.Unhealthy, ApplicationHealth.Running, ApplicationHealth.Stopped, ApplicationHealth.NotDeployed];

    public static string Label(ApplicationHealth health) => health switch
    {
        ApplicationHealth.Unhealthy => "unhealthy",
        ApplicationHealth.Running => "running",
        ApplicationHealth.Stopped => "stopped",
        ApplicationHealth.NotDeployed => "not deployed",
        _ => health.ToString().ToLowerInvariant(),
    };

    public static Color ColorOf(ApplicationHealth health) => health switch
    {
        ApplicationHealth.Unhealthy => Color.Error,
        ApplicationHealth.Running => Color.Success,
        ApplicationHealth.Stopped => Color.Warning,
        ApplicationHealth.NotDeployed => Color.Default,
        _ => Color.Default,
    };

    public static string IconOf(ApplicationHealth health) => health switch
    {
        ApplicationHealth.Unhealthy => Icons.Material.Outlined.ErrorOutline,
        ApplicationHealth.Running => Icons.Material.Outlined.CheckCircleOutline,
        ApplicationHealth.Stopped => Icons.Material.Outlined.StopCircle,
        ApplicationHealth.NotDeployed => Icons.Material.Outlined.CloudOff,
        _ => Icons.Material.Outlined.HelpOutline,
    };
}
