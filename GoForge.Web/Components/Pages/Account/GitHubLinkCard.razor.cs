using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Account;

public sealed partial class GitHubLinkCard
{
    [Inject]
    public required GitHubLinkService Links { get; init; }

    [Inject]
    public required GitHubSettingsProvider Settings { get; init; }

    [Inject]
    public required AccountService Account { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private GitHubLink? _link;
    private bool _hasPassword;
    private bool _gitHubActive;
    private bool _loaded;
    private bool _busy;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var actor = await CurrentUser.GetActorAsync();
        var link = await Links.GetAsync(actor);
        var profile = await Account.GetProfileAsync(actor);
        _link = link.IsSuccess ? link.Value : null;
        _hasPassword = profile.IsSuccess && profile.Value.PasswordHash is not null;
        _gitHubActive = (await Settings.GetAsync()).IsActive;
        _loaded = true;
    }

    private async Task UnlinkAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Unlink GitHub",
            $"Unlink the GitHub account {_link?.GitHubLogin}? You then sign in with your login and password only.",
            yesText: "Unlink", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        _busy = true;
        var result = await Links.UnlinkAsync(await CurrentUser.GetActorAsync());
        _busy = false;
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error!.Message, Severity.Error);
            return;
        }

        Snackbar.Add("GitHub unlinked.", Severity.Success);
        await LoadAsync();
    }
}
