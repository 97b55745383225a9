using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Projects;

public sealed partial class NewProjectDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    public required ProjectService Projects { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    private readonly FormErrors _errors = new(nameof(ProjectInput.Name), nameof(ProjectInput.Description));
    private string? _name;
    private string? _description;
    private bool _busy;

    private string SlugHint => ProjectInputRules.Slugify(_name) is { Length: > 0 } slug ? $"Slug: {slug}" : "Letters, digits and spaces; the slug is derived from it.";

    private async Task SubmitAsync()
    {
        _busy = true;
        var result = await Projects.CreateAsync(await CurrentUser.GetActorAsync(), new ProjectInput(_name, _description));
        _busy = false;
        if (result.IsSuccess)
        {
            Dialog.Close(DialogResult.Ok(result.Value));
            return;
        }

        _errors.Set(result.Error);
    }
}
