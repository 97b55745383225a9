using GoForge.Core.Compose;

namespace GoForge.Web.Components.Pages.Applications;

/// <summary>How the Overview puts a compose service's deployment state into words.</summary>
public static class ComposeWording
{
    public static string State(ComposeServiceState state) => state switch
    {
        ComposeServiceState.Pending => "Pending",
        ComposeServiceState.Building => "Building",
        ComposeServiceState.Pulling => "Pulling",
        ComposeServiceState.Ready => "Image ready",
        ComposeServiceState.Starting => "Starting",
        ComposeServiceState.Running => "Running",
        ComposeServiceState.Completed => "Completed",
        ComposeServiceState.Failed => "Failed",
        ComposeServiceState.Removed => "Removed",
        _ => state.ToString(),
    };
}
