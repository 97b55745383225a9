using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class NewApplicationPage
{
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

    /// <summary>The environment the application is created in, from the route.</summary>
    [Parameter]
    public Guid EnvironmentId { get; set; }

    private readonly ApplicationInput _input = new();
    private ProjectTrail? _trail;
    private Error? _loadError;
    private Error? _saveError;
    private bool _busy;

    protected override async Task OnParametersSetAsync()
    {
        var trail = await ProjectTrail.LoadAsync(await CurrentUser.GetActorAsync(), EnvironmentId, Environments, Projects, Access);
        if (!trail.IsSuccess)
        {
            _loadError = trail.Error;
        }
        else if (!trail.Value.Role.Allows(ProjectAction.Manage))
        {
            _loadError = Error.Forbidden("Only maintainers of this project add applications.");
        }
        else
        {
            (_trail, _loadError) = (trail.Value, null);
        }
    }

    private async Task CreateAsync(ApplicationInput input)
    {
        _busy = true;
        var result = await Applications.CreateAsync(await CurrentUser.GetActorAsync(), EnvironmentId, input);
        _busy = false;
        if (!result.IsSuccess)
        {
            _saveError = result.Error;
            return;
        }

        Snackbar.Add($"Created {result.Value.Name}. Add its variables, then deploy.", Severity.Success);
        Navigation.NavigateTo($"/applications/{result.Value.Id}");
    }
}
