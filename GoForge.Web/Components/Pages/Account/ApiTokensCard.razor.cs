using System.Globalization;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Account;

/// <summary>The profile's API tokens: what exists (never the tokens themselves), a new one, revoking one.</summary>
public sealed partial class ApiTokensCard
{
    [Inject]
    public required ApiTokenService Tokens { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    private IReadOnlyList<ApiTokenListItem>? _tokens;

    private DateTimeOffset Now => Time.GetUtcNow();

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync() => _tokens = await Tokens.ListAsync(await CurrentUser.GetActorAsync());

    private string StateOf(ApiToken token) =>
        token.IsRevoked ? "Revoked" : token.IsExpiredAt(Now) ? "Expired" : "Active";

    private static string Format(DateTimeOffset? moment, string none) =>
        moment is { } m ? m.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : none;

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<NewApiTokenDialog>("New API token", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            await LoadAsync();
        }
    }

    private async Task RevokeAsync(ApiToken token)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke token",
            $"Revoke the token '{token.Name}'? Scripts that use it get 401 from now on; this cannot be undone.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var result = await Tokens.RevokeAsync(await CurrentUser.GetActorAsync(), token.Id);
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error!.Message, Severity.Error);
            return;
        }

        Snackbar.Add($"Token '{token.Name}' revoked.", Severity.Success);
        await LoadAsync();
    }
}
