using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class ApplicationPage
{
    private static readonly string[] Tabs = ["overview", "deployments", "environment", "routing", "webhooks", "settings", "logs"];

    [Inject]
    public required ApplicationService Applications { get; init; }

    [Inject]
    public required EnvironmentService Environments { get; init; }

    [Inject]
    public required ProjectService Projects { get; init; }

    [Inject]
    public required ProjectAccess Access { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

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
    private ProjectTrail? _trail;
    private Error? _error;
    private int _tab;
    private Guid? _loadedApplicationId;

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedApplicationId == ApplicationId)
        {
            return;
        }

        _loadedApplicationId = ApplicationId;
        (_application, _trail, _error) = (null, null, null);
        _tab = Math.Max(0, Array.IndexOf(Tabs, OpenTab?.ToLowerInvariant()));

        var actor = await CurrentUser.GetActorAsync();
        var application = await Applications.GetAsync(actor, ApplicationId);
        if (!application.IsSuccess)
        {
            _error = application.Error;
            return;
        }

        var trail = await ProjectTrail.LoadAsync(actor, application.Value.EnvironmentId, Environments, Projects, Access);
        (_application, _trail, _error) = (application.Value, trail.Value, trail.Error);
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
        Navigation.NavigateTo(_trail?.EnvironmentHref ?? "/projects");
    }
}
