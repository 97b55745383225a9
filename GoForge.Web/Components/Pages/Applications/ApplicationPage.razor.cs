using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class ApplicationPage : TrailPage
{
    private static readonly string[] Tabs = ["overview", "deployments", "environment", "routing", "webhooks", "settings", "logs", "volumes", "previews"];

    [Inject]
    public required ApplicationService Applications { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The application's id, from the route.</summary>
    [Parameter]
    public Guid ApplicationId { get; set; }

    /// <summary>The tab that opens first (<c>?tab=environment</c>); Overview when absent or unknown.</summary>
    [SupplyParameterFromQuery(Name = "tab")]
    public string? OpenTab { get; set; }

    private Application? _application;
    private int _tab;

    protected override Guid PageKey => ApplicationId;

    protected override async Task<Result> LoadAsync(Actor actor)
    {
        _application = null;
        _tab = Math.Max(0, Array.IndexOf(Tabs, OpenTab?.ToLowerInvariant()));
        var application = await Applications.GetAsync(actor, ApplicationId);
        if (!application.IsSuccess)
        {
            return application.Error!;
        }

        _application = application.Value;
        return await LoadTrailAsync(application.Value.EnvironmentId);
    }

    private void Saved(Application saved)
    {
        _application = saved;
        Snackbar.Add($"Saved {saved.Name}.", Severity.Success);
    }

    private void ShowSettings() => _tab = Array.IndexOf(Tabs, "settings");

    private void Deleted()
    {
        Snackbar.Add($"Deleted {_application?.Name}.", Severity.Success);
        Navigation.NavigateTo(Trail?.EnvironmentHref ?? "/projects");
    }
}
