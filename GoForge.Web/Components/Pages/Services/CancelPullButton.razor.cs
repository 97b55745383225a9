using GoForge.Core.Services;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>
/// Cancels the pull of a service's running operation (<see cref="ServiceCommands.CancelAsync"/>), whoever started it:
/// shown while the service is Pulling. The operation then ends Canceled and the page follows it through the feed.
/// </summary>
public sealed partial class CancelPullButton
{
    private bool _canceling;

    /// <summary>The service whose pull to cancel. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ServiceId { get; set; }

    [Inject]
    public required ServiceCommands Commands { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private async Task CancelAsync()
    {
        _canceling = true;
        var canceled = await Commands.CancelAsync(await CurrentUser.GetActorAsync(), ServiceId);
        if (!canceled.IsSuccess)
        {
            _canceling = false;
            Snackbar.Add(canceled.Error.Message, Severity.Warning);
            return;
        }

        Snackbar.Add("Canceling the pull…", Severity.Info);
    }
}
