using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class NewApplicationPage : TrailPage
{
    [Inject]
    public required ApplicationService Applications { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The environment the application is created in, from the route.</summary>
    [Parameter]
    public Guid EnvironmentId { get; set; }

    private readonly ApplicationInput _input = new();
    private Error? _saveError;
    private bool _busy;

    protected override Guid PageKey => EnvironmentId;

    protected override async Task<Result> LoadAsync(Actor actor)
    {
        var trail = await LoadTrailAsync(EnvironmentId);
        return !trail.IsSuccess || Trail!.Role.Allows(ProjectAction.Manage)
            ? trail
            : Error.Forbidden("Only maintainers of this project add applications.");
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
