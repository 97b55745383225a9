using GoForge.Core.Previews;

namespace GoForge.Web.Components.Pages.Previews;

/// <summary>How a preview's state reads on the page.</summary>
public static class PreviewWording
{
    public static string Label(PreviewState state) => state switch
    {
        PreviewState.AwaitingApproval => "Awaiting approval",
        PreviewState.Queued => "Queued",
        PreviewState.LimitReached => "Queued (limit reached)",
        PreviewState.Running => "Running",
        PreviewState.Failed => "Failed",
        PreviewState.Closed => "Closed",
        _ => state.ToString(),
    };
}
