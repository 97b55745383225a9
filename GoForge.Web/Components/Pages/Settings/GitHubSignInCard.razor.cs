using GoForge.Core.Common;
using GoForge.Core.Identity.GitHub;
using GoForge.Web.Auth;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Settings;

public sealed partial class GitHubSignInCard
{
    [Inject]
    public required GitHubSettingsAdministration Administration { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IOptions<GoForgeWebOptions> WebOptions { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private GitHubSettingsView? _view;
    private Form _input = new();
    private bool _replacingSecret;
    private bool _busy;
    private string _callbackUrl = string.Empty;
    private IReadOnlyDictionary<string, string[]>? _errors;

    protected override async Task OnInitializedAsync()
    {
        _callbackUrl = PanelAddress.Absolute(WebOptions.Value, Navigation, GitHubSignIn.CallbackPath);
        Show(await Administration.GetAsync(await CurrentUser.GetActorAsync()));
    }

    private bool HasError(string field) => _errors?.ContainsKey(field) == true;

    private string? ErrorText(string field) => _errors?.GetValueOrDefault(field) is { } messages ? string.Join(" ", messages) : null;

    private void ReplaceSecret() => _replacingSecret = true;

    private async Task SaveAsync()
    {
        _busy = true;
        var input = new GitHubSettingsInput(_input.Enabled, _input.ClientId, _input.NewClientSecret, _input.BaseUrl, _input.ApiUrl, _input.AllowSignUp);
        var result = await Administration.SaveAsync(await CurrentUser.GetActorAsync(), input);
        _busy = false;
        if (Show(result))
        {
            Snackbar.Add("GitHub settings saved; they apply now.", Severity.Success);
        }
    }

    private async Task ResetAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Use configuration",
            "Forget the GitHub settings saved here (the client secret too)? GoForge:GitHub from configuration applies again at once.",
            yesText: "Forget them", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        _busy = true;
        var result = await Administration.ResetToConfigurationAsync(await CurrentUser.GetActorAsync());
        _busy = false;
        if (Show(result))
        {
            Snackbar.Add("The saved GitHub settings are gone; configuration applies.", Severity.Success);
        }
    }

    /// <summary>Shows saved settings (the secret only as "stored") or the errors; true on success.</summary>
    private bool Show(Result<GitHubSettingsView> result)
    {
        _errors = result.Error?.FieldErrors;
        if (!result.IsSuccess)
        {
            if (result.Error.Kind != ErrorKind.Validation)
            {
                Snackbar.Add(result.Error.Message, Severity.Error);
            }

            return false;
        }

        _view = result.Value;
        _input = new Form
        {
            Enabled = _view.Enabled,
            ClientId = _view.ClientId,
            BaseUrl = _view.BaseUrl.AbsoluteUri,
            ApiUrl = _view.ApiUrl.AbsoluteUri,
            AllowSignUp = _view.AllowSignUp,
        };
        _replacingSecret = false;
        return true;
    }

    private sealed class Form
    {
        public bool Enabled { get; set; }

        public string? ClientId { get; set; }

        public string? NewClientSecret { get; set; }

        public string? BaseUrl { get; set; }

        public string? ApiUrl { get; set; }

        public bool AllowSignUp { get; set; }
    }
}
