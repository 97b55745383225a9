using GoForge.Core.Identity.GitHub;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Settings;

public sealed partial class InvitationsCard
{
    [Inject]
    public required InvitationService Invitations { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private IReadOnlyList<Invitation>? _invitations;
    private DateTimeOffset _now;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var result = await Invitations.ListAsync(await CurrentUser.GetActorAsync());
        _now = Time.GetUtcNow();
        _invitations = result.IsSuccess ? result.Value : [];
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateInvitationDialog>("New invitation");
        if (await dialog.Result is { Canceled: false })
        {
            await LoadAsync();
        }
    }

    private async Task RevokeAsync(Invitation invitation)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke invitation",
            $"Revoke the invitation{(invitation.Note is null ? string.Empty : $" \"{invitation.Note}\"")}? Its link stops working at once.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var result = await Invitations.RevokeAsync(await CurrentUser.GetActorAsync(), invitation.Id);
        Snackbar.Add(result.IsSuccess ? "Invitation revoked." : result.Error!.Message, result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }
}
