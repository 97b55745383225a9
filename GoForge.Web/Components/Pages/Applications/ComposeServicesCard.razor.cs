using GoForge.Core.Common;
using GoForge.Core.Monitoring;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Applications;

/// <summary>
/// A compose application's services (<see cref="ComposeOverviewService"/>), read after the first render (never while
/// prerendering). Each row watches its own container; the selected service (the first, until the user picks another)
/// gets the runtime card's charts and the log viewer, the same components a single-container application has.
/// </summary>
public sealed partial class ComposeServicesCard : ComponentBase
{
    private ComposeOverview? _overview;
    private Error? _error;
    private string? _selected;

    [Inject]
    public required ComposeOverviewService Compose { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    /// <summary>The compose application; give the component an <c>@key</c> of the same id. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        var read = await Compose.GetAsync(await CurrentUser.GetActorAsync(), ApplicationId);
        if (read.IsSuccess)
        {
            _overview = read.Value;
            _selected = _overview.Services.Count > 0 ? _overview.Services[0].Record.Service : null;
        }
        else
        {
            _error = read.Error;
        }

        StateHasChanged();
    }

    private void Select(string service) => _selected = service;
}
