using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Web.Auth;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Settings;

/// <summary>Makes an invitation, then shows its link once; closing the dialog forgets it (only its hash is stored).</summary>
public sealed partial class CreateInvitationDialog
{
    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    public required InvitationService Invitations { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IOptions<GoForgeWebOptions> WebOptions { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private string? _note;
    private UserRole _role = UserRole.Member;
    private int _days = (int)InvitationService.DefaultValidity.TotalDays;
    private string? _link;
    private string? _message;
    private bool _busy;
    private IReadOnlyDictionary<string, string[]>? _errors;

    private bool HasError(string field) => _errors?.ContainsKey(field) == true;

    private string? ErrorText(string field) => _errors?.GetValueOrDefault(field) is { } messages ? string.Join(" ", messages) : null;

    private void Cancel() => Dialog.Cancel();

    private void Done() => Dialog.Close(DialogResult.Ok(true));

    private async Task SubmitAsync()
    {
        _busy = true;
        var result = await Invitations.CreateAsync(await CurrentUser.GetActorAsync(), new NewInvitationInput(_note, _role, TimeSpan.FromDays(_days)));
        _busy = false;
        if (result.IsSuccess)
        {
            _link = PanelAddress.Absolute(WebOptions.Value, Navigation, $"invite/{result.Value.Token}");
            return;
        }

        _errors = result.Error.FieldErrors;
        _message = result.Error.Kind == ErrorKind.Validation ? null : result.Error.Message;
    }

    private async Task CopyAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", _link);
            Snackbar.Add("Link copied.", Severity.Success);
        }
        catch (JSException)
        {
            // Clipboard access needs HTTPS (or localhost) and permission; the link is on screen to copy by hand.
            Snackbar.Add("The browser did not allow copying; select the link and copy it.", Severity.Warning);
        }
    }
}
