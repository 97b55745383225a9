using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Account;

/// <summary>The signed-in user's own page: display name, theme, and the GitHub link (<see cref="GitHubLinkCard"/>).</summary>
public sealed partial class Profile
{
    [Inject]
    public required AccountService Account { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required SignInNotice Notices { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The outcome of a GitHub link that returned here (encrypted by <see cref="SignInNotice"/>).</summary>
    [SupplyParameterFromQuery(Name = SignInNotice.QueryName)]
    private string? GitHubNotice { get; set; }

    private User? _profile;
    private string? _displayName;
    private Notice? _notice;
    private bool _busy;
    private IReadOnlyDictionary<string, string[]>? _errors;

    protected override async Task OnInitializedAsync()
    {
        _notice = Notices.Read(GitHubNotice);
        var result = await Account.GetProfileAsync(await CurrentUser.GetActorAsync());
        _profile = result.IsSuccess ? result.Value : null;
        _displayName = _profile?.DisplayName;
    }

    private bool HasError(string field) => _errors?.ContainsKey(field) == true;

    private string? ErrorText(string field) => _errors?.GetValueOrDefault(field) is { } messages ? string.Join(" ", messages) : null;

    private async Task SaveNameAsync()
    {
        _busy = true;
        var result = await Account.SetDisplayNameAsync(await CurrentUser.GetActorAsync(), _displayName);
        _busy = false;
        _errors = result.Error?.FieldErrors;
        if (result.IsSuccess)
        {
            Snackbar.Add("Name saved. Pages you open from now on show it.", Severity.Success);
        }
        else if (result.Error!.Kind != ErrorKind.Validation)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private async Task SetThemeAsync(ThemePreference theme)
    {
        var result = await Account.SetThemeAsync(await CurrentUser.GetActorAsync(), theme);
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error!.Message, Severity.Error);
            return;
        }

        // The layout reads the theme when a page opens; reloading applies it everywhere at once.
        Navigation.NavigateTo("/account", forceLoad: true);
    }
}
