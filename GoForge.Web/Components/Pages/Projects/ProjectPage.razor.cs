using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Projects;

public sealed partial class ProjectPage : TrailPage
{
    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The project's id, from the route.</summary>
    [Parameter]
    public Guid ProjectId { get; set; }

    /// <summary>The environment whose tab opens first (<c>?env=</c>); the first one when absent or unknown.</summary>
    [SupplyParameterFromQuery(Name = "env")]
    public Guid? OpenEnvironmentId { get; set; }

    private Project? _project;
    private ProjectRole _role;
    private IReadOnlyList<ProjectEnvironment> _environments = [];
    private List<BreadcrumbItem> _breadcrumbs = [];
    private int _tab;

    private bool CanManage => _role.Allows(ProjectAction.Manage);

    protected override Guid PageKey => ProjectId;

    // The top of the trail: the project itself, the viewer's role and its environments.
    protected override async Task<Result> LoadAsync(Actor actor)
    {
        (_project, _tab) = (null, 0);
        await LoadAsync(OpenEnvironmentId);
        return LoadError is { } error ? error : Result.Success;
    }

    private async Task LoadAsync(Guid? selectEnvironmentId)
    {
        var actor = await CurrentUser.GetActorAsync();
        var project = await Projects.GetAsync(actor, ProjectId);
        var role = await Access.CheckAsync(actor, ProjectId, ProjectAction.View);
        var environments = await Environments.ListAsync(actor, ProjectId);
        if (!project.IsSuccess || !role.IsSuccess || !environments.IsSuccess)
        {
            LoadError = project.Error ?? role.Error ?? environments.Error;
            return;
        }

        (_project, _role, _environments, LoadError) = (project.Value, role.Value, environments.Value, null);
        _breadcrumbs = [new("Projects", "/projects"), new(_project.Name, href: null, disabled: true)];
        var selected = _environments.ToList().FindIndex(e => e.Id == selectEnvironmentId);
        _tab = selected >= 0 ? selected : Math.Clamp(_tab, 0, Math.Max(0, _environments.Count - 1));
    }

    private Guid? CurrentEnvironmentId => _tab < _environments.Count ? _environments[_tab].Id : null;

    private async Task CreateEnvironmentAsync()
    {
        var parameters = new DialogParameters<EnvironmentDialog> { { d => d.ProjectId, ProjectId } };
        var dialog = await Dialogs.ShowAsync<EnvironmentDialog>("New environment", parameters);
        if (await dialog.Result is { Canceled: false, Data: ProjectEnvironment created })
        {
            Snackbar.Add($"Added the {created.Name} environment.", Severity.Success);
            await LoadAsync(created.Id);
        }
    }

    private async Task RenameEnvironmentAsync(ProjectEnvironment environment)
    {
        var parameters = new DialogParameters<EnvironmentDialog>
        {
            { d => d.ProjectId, ProjectId },
            { d => d.Environment, environment },
        };
        var dialog = await Dialogs.ShowAsync<EnvironmentDialog>($"Rename {environment.Name}", parameters);
        if (await dialog.Result is { Canceled: false })
        {
            await LoadAsync(environment.Id);
        }
    }

    private async Task DeleteEnvironmentAsync(ProjectEnvironment environment)
    {
        if (!await Dialogs.ConfirmDeleteAsync("environment", environment.Name, "Its applications and their variables are deleted with it."))
        {
            return;
        }

        var result = await Environments.DeleteAsync(await CurrentUser.GetActorAsync(), environment.Id);
        Snackbar.Add(result.Error?.Message ?? $"Deleted the {environment.Name} environment.", result.IsSuccess ? Severity.Success : Severity.Error);
        _tab = 0;
        await LoadAsync(null);
    }

    private async Task MembersAsync()
    {
        var parameters = new DialogParameters<MembersDialog>
        {
            { d => d.ProjectId, ProjectId },
            { d => d.CanManage, _role.Allows(ProjectAction.ManageMembers) },
        };
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true };
        var dialog = await Dialogs.ShowAsync<MembersDialog>($"Members of {_project?.Name}", parameters, options);
        await dialog.Result;

        // The viewer may have changed or dropped their own role.
        await LoadAsync(CurrentEnvironmentId);
    }

    private async Task SettingsAsync()
    {
        var parameters = new DialogParameters<ProjectSettingsDialog> { { d => d.Project, _project! } };
        var dialog = await Dialogs.ShowAsync<ProjectSettingsDialog>("Project settings", parameters);
        switch ((await dialog.Result)?.Data)
        {
            case ProjectSettingsDialog.Outcome.Deleted:
                Snackbar.Add($"Deleted {_project?.Name}.", Severity.Success);
                Navigation.NavigateTo("/projects");
                break;
            case ProjectSettingsDialog.Outcome.Saved:
                Snackbar.Add("Saved the project.", Severity.Success);
                await LoadAsync(CurrentEnvironmentId);
                break;
        }
    }
}
