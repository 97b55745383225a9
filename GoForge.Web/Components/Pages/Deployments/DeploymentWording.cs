using GoForge.Core.Deployments;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Deployments;

/// <summary>How deployments read on every page: state colours, short commits, durations, who started them.</summary>
public static class DeploymentWording
{
    /// <summary>The happy path, in order, as the stepper shows it.</summary>
    public static readonly IReadOnlyList<DeploymentState> Steps =
        [DeploymentState.Pending, DeploymentState.Cloning, DeploymentState.Building, DeploymentState.Deploying, DeploymentState.Running];

    public static Color ColorOf(DeploymentState state) => state switch
    {
        DeploymentState.Running => Color.Success,
        DeploymentState.Failed => Color.Error,
        DeploymentState.Pending => Color.Default,
        DeploymentState.Cloning or DeploymentState.Building or DeploymentState.Pulling or DeploymentState.Deploying => Color.Info,
        DeploymentState.Canceled or DeploymentState.Superseded or DeploymentState.Unchanged => Color.Dark,
        DeploymentState.RolledBack => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>Whether the deployment is still moving (a spinner is fair).</summary>
    public static bool IsInProgress(DeploymentState state) =>
        state.IsInProgress();

    public static string Label(DeploymentState state) => state == DeploymentState.RolledBack ? "rolled back" : state.ToString().ToLowerInvariant();

    /// <summary>The first 7 characters of the commit, or "branch head" before the clone has recorded it.</summary>
    public static string ShortSha(string? sha) => sha is null ? "branch head" : sha[..Math.Min(7, sha.Length)];

    public static string FirstLine(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return string.Empty;
        }

        var end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }

    /// <summary>"1 m 05 s", "12 s"; the time so far for one still going.</summary>
    public static string Duration(Deployment deployment, DateTimeOffset now)
    {
        var end = deployment.State is DeploymentState.Pending || IsInProgress(deployment.State) ? now : deployment.UpdatedAt;
        return Duration(end - deployment.CreatedAt);
    }

    public static string Duration(TimeSpan span)
    {
        span = span < TimeSpan.Zero ? TimeSpan.Zero : span;
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} m"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} m {span.Seconds:00} s"
            : $"{span.TotalSeconds:0.#} s";
    }

    /// <summary>"manual by ada", "webhook", "rollback by you".</summary>
    public static string Trigger(Deployment deployment, Func<Guid, string?> whoIs)
    {
        var source = deployment.Source.ToString().ToLowerInvariant();
        return deployment.RequestedBy is { } userId && whoIs(userId) is { } who ? $"{source} by {who}" : source;
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    public static string Href(Guid deploymentId) => $"/deployments/{deploymentId}";

    public static string LogHref(Guid deploymentId) => $"/deployments/{deploymentId}/log.txt";
}
