using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Projects;

public sealed partial class Projects
{
    [Inject]
    public required ProjectService ProjectService { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    private IReadOnlyList<ProjectSummary>? _projects;

    protected override async Task OnInitializedAsync() =>
        _projects = (await ProjectService.ListAsync(await CurrentUser.GetActorAsync()))
            .OrderBy(p => p.Project.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<NewProjectDialog>("New project");
        if (await dialog.Result is { Canceled: false, Data: Project created })
        {
            Snackbar.Add($"Created {created.Name} with a production environment.", Severity.Success);
            Navigation.NavigateTo($"/projects/{created.Id}");
        }
    }
}
