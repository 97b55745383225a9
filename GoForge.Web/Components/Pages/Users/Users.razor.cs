using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Users;

public sealed partial class Users
{
    [Inject]
    public required UserAdministration Administration { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private IReadOnlyList<User>? _users;
    private Guid _self;

    protected override async Task OnInitializedAsync()
    {
        _self = (await CurrentUser.GetActorAsync()).UserId;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var result = await Administration.ListAsync(await CurrentUser.GetActorAsync());
        _users = result.IsSuccess ? result.Value : [];
        Report(result.Error, null);
    }

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateUserDialog>("New user");
        if (await dialog.Result is { Canceled: false, Data: User created })
        {
            Snackbar.Add($"Created {created.Login}.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task ChangeRoleAsync(User user, UserRole role)
    {
        var result = await Administration.ChangeRoleAsync(await CurrentUser.GetActorAsync(), user.Id, role);
        Report(result.Error, $"{user.Login} is now {(role == UserRole.Admin ? "an administrator" : "a member")}.");
        await LoadAsync();
    }

    private async Task ResetPasswordAsync(User user)
    {
        var parameters = new DialogParameters<ResetPasswordDialog> { { d => d.User, user } };
        var dialog = await Dialogs.ShowAsync<ResetPasswordDialog>($"Reset password of {user.Login}", parameters);
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add($"New password set for {user.Login}; their sessions were ended.", Severity.Success);
        }
    }

    private async Task ToggleDisabledAsync(User user)
    {
        if (!user.IsDisabled)
        {
            var confirmed = await Dialogs.ShowMessageBoxAsync(
                "Disable user",
                $"Disable {user.Login}? They are signed out everywhere at once and cannot sign in until enabled.",
                yesText: "Disable", cancelText: "Cancel");
            if (confirmed != true)
            {
                return;
            }
        }

        var result = await Administration.SetDisabledAsync(await CurrentUser.GetActorAsync(), user.Id, !user.IsDisabled);
        Report(result.Error, user.IsDisabled ? $"{user.Login} can sign in again." : $"{user.Login} is disabled.");
        await LoadAsync();
    }

    private void Report(Error? error, string? success)
    {
        if (error is not null)
        {
            Snackbar.Add(error.Message, Severity.Error);
        }
        else if (success is not null)
        {
            Snackbar.Add(success, Severity.Success);
        }
    }
}
