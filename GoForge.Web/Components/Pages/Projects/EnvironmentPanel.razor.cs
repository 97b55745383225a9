using GoForge.Core.Projects;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Projects;

public sealed partial class EnvironmentPanel
{
    [Inject]
    public required ApplicationService Applications { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    /// <summary>The environment whose applications are listed. Required.</summary>
    [Parameter, EditorRequired]
    public ProjectEnvironment Environment { get; set; } = default!;

    /// <summary>Whether the viewer may add applications and rename or delete the environment. Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    /// <summary>Raised when the user asks to rename the environment; the page shows the dialog.</summary>
    [Parameter]
    public EventCallback OnRename { get; set; }

    /// <summary>Raised when the user asks to delete the environment; the page confirms and deletes.</summary>
    [Parameter]
    public EventCallback OnDelete { get; set; }

    private IReadOnlyList<Application>? _applications;
    private string? _error;
    private Guid? _loadedEnvironmentId;

    private string NewApplicationHref => $"/environments/{Environment.Id}/applications/new";

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedEnvironmentId == Environment.Id)
        {
            return;
        }

        _loadedEnvironmentId = Environment.Id;
        _applications = null;
        var result = await Applications.ListAsync(await CurrentUser.GetActorAsync(), Environment.Id);
        _applications = result.IsSuccess ? result.Value.OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).ToList() : [];
        _error = result.Error?.Message;
    }
}
