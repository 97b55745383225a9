using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class ApplicationRouting
{
    [Inject]
    public required RoutingService Routing { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The application whose routing is shown. Required.</summary>
    [Parameter, EditorRequired]
    public Application Application { get; set; } = default!;

    /// <summary>Whether the viewer may change the routing (maintainers). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    /// <summary>Raised when the user asks to edit the domains, which live in the Settings tab.</summary>
    [Parameter]
    public EventCallback OnEditDomains { get; set; }

    private RoutingInput? _input;
    private Error? _error;
    private Error? _saveError;
    private string? _preview;
    private Error? _previewError;
    private Application? _shownApplication;
    private bool _busy;

    protected override async Task OnParametersSetAsync()
    {
        // The domains feed the preview: a renamed or re-domained application is read again.
        if (ReferenceEquals(_shownApplication, Application))
        {
            return;
        }

        _shownApplication = Application;
        var actor = await CurrentUser.GetActorAsync();
        var loaded = await Routing.GetAsync(actor, Application.Id);
        (_input, _error) = (loaded.Value, loaded.Error);
        if (loaded.IsSuccess)
        {
            await LoadPreviewAsync(actor);
        }
    }

    private async Task LoadPreviewAsync(Core.Identity.Actor actor)
    {
        var preview = await Routing.PreviewProxyConfigurationAsync(actor, Application.Id);
        (_preview, _previewError) = (preview.Value, preview.Error);
    }

    private async Task SaveAsync(RoutingInput input)
    {
        _busy = true;
        var actor = await CurrentUser.GetActorAsync();
        var result = await Routing.UpdateAsync(actor, Application.Id, input);
        _busy = false;
        _saveError = result.Error;
        if (result.IsSuccess)
        {
            _input = result.Value;
            await LoadPreviewAsync(actor);
            Snackbar.Add("Routing saved; it applies from the next deployment.", Severity.Success);
        }
        else if (result.Error.Kind != ErrorKind.Validation)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }
}
