using GoForge.Core.Catalog;
using GoForge.Core.Services;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>How services and templates are named and coloured in the panel.</summary>
public static class ServiceWording
{
    public static Color ColorOf(ServiceState state) => state switch
    {
        ServiceState.Running => Color.Success,
        ServiceState.Failed => Color.Error,
        ServiceState.Stopped => Color.Default,
        _ => Color.Info,
    };

    public static bool IsInProgress(ServiceState state) => state is ServiceState.Creating or ServiceState.Pulling or ServiceState.Starting;

    public static string Label(ServiceState state) => state switch
    {
        ServiceState.Creating => "creating",
        ServiceState.Pulling => "pulling image",
        ServiceState.Starting => "starting",
        ServiceState.Running => "running",
        ServiceState.Stopped => "stopped",
        _ => "failed",
    };

    public static string Label(ServiceCategory category) => category switch
    {
        ServiceCategory.Database => "Databases",
        ServiceCategory.Cache => "Caches",
        ServiceCategory.Storage => "Storage",
        ServiceCategory.Messaging => "Messaging",
        ServiceCategory.Search => "Search",
        _ => "Tools",
    };

    /// <summary>
    /// A template's icon as MudIcon content: its path data (checked at load to be SVG path commands and numbers
    /// only, so it cannot carry markup) in a path element; a generic icon when it has none.
    /// </summary>
    public static string IconOf(ServiceTemplate template) =>
        string.IsNullOrEmpty(template?.Icon) ? Icons.Material.Outlined.Widgets : $"<path d=\"{template.Icon}\"/>";
}
