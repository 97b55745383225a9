using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Projects;

public sealed partial class ProjectSettingsDialog
{
    /// <summary>How the dialog ended when it was not cancelled.</summary>
    public enum Outcome
    {
        Saved,
        Deleted,
    }

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The project to change. Required.</summary>
    [Parameter, EditorRequired]
    public Project Project { get; set; } = default!;

    [Inject]
    public required ProjectService Projects { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    private readonly FormErrors _errors = new(nameof(ProjectInput.Name), nameof(ProjectInput.Description));
    private string? _name;
    private string? _description;
    private bool _busy;

    protected override void OnInitialized() => (_name, _description) = (Project.Name, Project.Description);

    private async Task SaveAsync()
    {
        _busy = true;
        var result = await Projects.UpdateAsync(await CurrentUser.GetActorAsync(), Project.Id, new ProjectInput(_name, _description));
        _busy = false;
        if (result.IsSuccess)
        {
            Dialog.Close(DialogResult.Ok(Outcome.Saved));
            return;
        }

        _errors.Set(result.Error);
    }

    private async Task DeleteAsync()
    {
        if (!await Dialogs.ConfirmDeleteAsync("project", Project.Name, "Its environments, applications, variables and members are deleted with it."))
        {
            return;
        }

        _busy = true;
        var result = await Projects.DeleteAsync(await CurrentUser.GetActorAsync(), Project.Id);
        _busy = false;
        if (result.IsSuccess)
        {
            Dialog.Close(DialogResult.Ok(Outcome.Deleted));
            return;
        }

        _errors.Set(result.Error);
    }
}
