using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class ApplicationSettings
{
    [Inject]
    public required ApplicationService Applications { get; init; }

    [Inject]
    public required GoForge.Core.Volumes.AppVolumeService Volumes { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The application to change. Required.</summary>
    [Parameter, EditorRequired]
    public Application Application { get; set; } = default!;

    /// <summary>Whether the viewer may change and delete it (maintainers). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    /// <summary>Raised with the saved application after a successful save.</summary>
    [Parameter]
    public EventCallback<Application> OnSaved { get; set; }

    /// <summary>Raised after the application was deleted.</summary>
    [Parameter]
    public EventCallback OnDeleted { get; set; }

    private ApplicationInput _input = new();
    private bool _deleteVolumes;
    private Application? _shownApplication;
    private Error? _error;
    private bool _busy;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shownApplication, Application))
        {
            _shownApplication = Application;
            _input = ApplicationInput.From(Application);
        }
    }

    private async Task SaveAsync(ApplicationInput input)
    {
        _busy = true;
        var result = await Applications.UpdateAsync(await CurrentUser.GetActorAsync(), Application.Id, input);
        _busy = false;
        _error = result.Error;
        if (result.IsSuccess)
        {
            await OnSaved.InvokeAsync(result.Value);
        }
    }

    private async Task DeleteAsync()
    {
        var consequence = _deleteVolumes
            ? "Its settings, environment variables and volumes (their data) are deleted with it."
            : "Its settings and environment variables are deleted with it; its volumes are kept on the engine.";
        if (!await Dialogs.ConfirmDeleteAsync("application", Application.Name, consequence))
        {
            return;
        }

        _busy = true;
        var result = await Volumes.DeleteApplicationAsync(await CurrentUser.GetActorAsync(), Application.Id, _deleteVolumes);
        _busy = false;
        if (result.IsSuccess)
        {
            await OnDeleted.InvokeAsync();
            return;
        }

        Snackbar.Add(result.Error!.Message, Severity.Error);
    }
}
