using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Projects;

public sealed partial class EnvironmentDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The project the environment belongs to. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ProjectId { get; set; }

    /// <summary>The environment to rename; null adds a new one. Default null.</summary>
    [Parameter]
    public ProjectEnvironment? Environment { get; set; }

    [Inject]
    public required EnvironmentService Environments { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    private readonly FormErrors _errors = new("Name");
    private string? _name;
    private bool _busy;

    private string Hint => Environment is not null
        ? $"The slug stays {Environment.Slug}."
        : ProjectInputRules.Slugify(_name) is { Length: > 0 } slug ? $"Slug: {slug}" : "For example staging or preview.";

    protected override void OnInitialized() => _name = Environment?.Name;

    private async Task SubmitAsync()
    {
        _busy = true;
        var actor = await CurrentUser.GetActorAsync();
        if (Environment is null)
        {
            var created = await Environments.CreateAsync(actor, ProjectId, _name);
            Finish(created.Error, created.Value);
        }
        else
        {
            var renamed = await Environments.RenameAsync(actor, Environment.Id, _name);
            Finish(renamed.Error, Environment with { Name = ProjectInputRules.NormalizeName(_name) });
        }

        _busy = false;
    }

    private void Finish(Error? error, ProjectEnvironment? environment)
    {
        if (error is null)
        {
            Dialog.Close(DialogResult.Ok(environment));
            return;
        }

        _errors.Set(error);
    }
}
