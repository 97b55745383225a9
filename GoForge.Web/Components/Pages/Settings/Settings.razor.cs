using GoForge.Core.Identity;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Settings;

public sealed partial class Settings
{
    [Inject]
    public required AccountService Account { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private User? _profile;
    private string? _currentPassword;
    private string? _newPassword;
    private bool _busy;
    private IReadOnlyDictionary<string, string[]>? _errors;

    protected override async Task OnInitializedAsync()
    {
        var result = await Account.GetProfileAsync(await CurrentUser.GetActorAsync());
        _profile = result.IsSuccess ? result.Value : null;
    }

    private bool HasError(string field) => _errors?.ContainsKey(field) == true;

    private string? ErrorText(string field) => _errors?.GetValueOrDefault(field) is { } messages ? string.Join(" ", messages) : null;

    private async Task ChangePasswordAsync()
    {
        _busy = true;
        var principal = await CurrentUser.GetPrincipalAsync();
        var result = await Account.ChangePasswordAsync(
            await CurrentUser.GetActorAsync(), principal.GetSessionId() ?? Guid.Empty, _currentPassword, _newPassword);
        _busy = false;
        _errors = result.Error?.FieldErrors;
        if (result.IsSuccess)
        {
            _currentPassword = _newPassword = null;
            Snackbar.Add("Password changed. Your other sessions were signed out.", Severity.Success);
        }
        else if (result.Error!.Kind != Core.Common.ErrorKind.Validation)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }
}
