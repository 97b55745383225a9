using GoForge.Core.Identity;
using GoForge.Core.Previews;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Previews;

/// <summary>The application's variables with their "available to previews" mark; maintainers change it.</summary>
public sealed partial class PreviewVariablesCard : ComponentBase
{
    [Inject]
    public required PreviewService Previews { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The application. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>Whether the viewer may change marks (maintainers). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    private Actor? _actor;
    private IReadOnlyList<PreviewVariableMark>? _marks;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentUser.GetActorAsync();
        await LoadAsync();
    }

    private async Task LoadAsync() => _marks = (await Previews.ListVariablesAsync(_actor!, ApplicationId)).Value ?? [];

    private async Task MarkAsync(PreviewVariableMark mark, bool available)
    {
        var result = await Previews.SetVariableAvailableAsync(_actor!, ApplicationId, mark.VariableId, available);
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error!.Message, Severity.Error);
        }

        await LoadAsync();
    }
}
