using GoForge.Core.Common;
using GoForge.Core.Runtime;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Deployments;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class RuntimeControls : ComponentBase
{
    [Inject]
    public required ApplicationRuntimeService Runtime { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The application. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>The application's name, for the stop confirmation. Default empty.</summary>
    [Parameter]
    public string ApplicationName { get; set; } = string.Empty;

    /// <summary>Whether the viewer's role allows deploying, which Apply, Stop, Start and Restart need (the service checks again). Default false.</summary>
    [Parameter]
    public bool CanDeploy { get; set; }

    private ApplicationRuntimeStatus? _status;
    private bool _busy;

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var status = await Runtime.StatusAsync(await CurrentUser.GetActorAsync(), ApplicationId);
        _status = status.IsSuccess ? status.Value : null;
    }

    private async Task ApplyAsync()
    {
        var queued = await RunAsync(actor => Runtime.ApplyAsync(actor, ApplicationId));
        if (queued.IsSuccess)
        {
            Snackbar.Add("Applying the settings: the container is recreated from the running image.", Severity.Success);
            Navigation.NavigateTo(DeploymentWording.Href(queued.Value.Id));
        }
    }

    private async Task StopAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Stop application",
            $"Stop {ApplicationName}? Its container stops and its domains answer 503 until you start it again.",
            yesText: "Stop", cancelText: "Cancel");
        if (confirmed == true && (await RunAsync(actor => Runtime.StopAsync(actor, ApplicationId))).IsSuccess)
        {
            Snackbar.Add($"{ApplicationName} is stopped.", Severity.Success);
        }
    }

    private async Task StartAsync()
    {
        if ((await RunAsync(actor => Runtime.StartAsync(actor, ApplicationId))).IsSuccess)
        {
            Snackbar.Add($"{ApplicationName} is running again.", Severity.Success);
        }
    }

    private async Task RestartAsync()
    {
        if ((await RunAsync(actor => Runtime.RestartAsync(actor, ApplicationId))).IsSuccess)
        {
            Snackbar.Add($"{ApplicationName} was restarted.", Severity.Success);
        }
    }

    /// <summary>Runs one action with the buttons disabled; reports a refusal; reloads the status either way.</summary>
    private async Task<Result<T>> RunAsync<T>(Func<GoForge.Core.Identity.Actor, Task<Result<T>>> action)
    {
        _busy = true;
        try
        {
            var result = await action(await CurrentUser.GetActorAsync());
            if (!result.IsSuccess)
            {
                Snackbar.Add(result.Error.Message, Severity.Error);
            }

            return result;
        }
        finally
        {
            await LoadAsync();
            _busy = false;
        }
    }
}
