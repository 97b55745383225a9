using GoForge.Core.Common;
using GoForge.Core.GitProviders;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class RepositoryAccessCard
{
    [Inject]
    public required GitCredentialService Credentials { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>Whose credential: <see cref="GitCredentialScope.Application"/> or <see cref="GitCredentialScope.Project"/>. Required.</summary>
    [Parameter, EditorRequired]
    public GitCredentialScope Scope { get; set; }

    /// <summary>Whether the viewer may set, generate, forget and remove (maintainers; the service checks again). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    private GitCredentialView? _credential;
    private Error? _loadError;
    private bool _loaded;
    private GitCredentialScope? _loadedScope;
    private GitTokenInput _tokenInput = EmptyToken();
    private Error? _tokenError;
    private bool _busy;

    /// <summary>The scope's own credential; an inherited one cannot be replaced or removed from here.</summary>
    private GitCredentialView? Own => _credential is { Inherited: false } own ? own : null;

    private string Whose => Scope.IsProject ? "the project's applications" : "this application";

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedScope != Scope)
        {
            _loadedScope = Scope;
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        var result = await Credentials.GetAsync(await CurrentUser.GetActorAsync(), Scope);
        (_credential, _loadError, _loaded) = (result.Value, result.Error, true);
    }

    private async Task SaveTokenAsync(GitTokenInput input)
    {
        _busy = true;
        var result = await Credentials.SetTokenAsync(await CurrentUser.GetActorAsync(), Scope, input);
        _busy = false;
        _tokenError = result.Error;
        if (result.IsSuccess)
        {
            _credential = result.Value;
            _tokenInput = EmptyToken(); // another instance: the form starts over and the token leaves the page
            Snackbar.Add($"Saved the token; the next clone of {Whose} uses it.", Severity.Success);
        }
    }

    private async Task GenerateKeyAsync()
    {
        if (Own is { } own && !await ConfirmAsync(
            "Replace the credential?",
            own.Kind == GitCredentialKind.SshKey
                ? "A new deploy key replaces the current one, which GoForge then no longer has; add the new public key to your Git host."
                : "A deploy key replaces the HTTPS token, which is deleted. It works only with ssh:// and git@ repository URLs.",
            "Generate"))
        {
            return;
        }

        _busy = true;
        var result = await Credentials.GenerateDeployKeyAsync(await CurrentUser.GetActorAsync(), Scope);
        _busy = false;
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
            return;
        }

        _credential = result.Value;
        Snackbar.Add("Generated a deploy key: add its public key as a read-only deploy key in your Git host.", Severity.Success);
    }

    private async Task ForgetHostKeyAsync()
    {
        if (await ConfirmAsync(
            "Forget the pinned host key?",
            "Do this only when the Git server really changed its key: the next clone trusts the key the server shows then and pins it.",
            "Forget"))
        {
            await RunAsync(actor => Credentials.ForgetHostKeyAsync(actor, Scope), "Forgot the host key; the next clone pins the server's key.");
        }
    }

    private async Task RemoveAsync()
    {
        var consequence = Scope.IsProject
            ? "Applications of this project without their own credential then clone anonymously; private repositories fail."
            : "This application then uses the project's credential, if it has one, or clones anonymously.";
        if (await ConfirmAsync("Remove the repository credential?", consequence, "Remove"))
        {
            await RunAsync(actor => Credentials.RemoveAsync(actor, Scope), "Removed the repository credential.");
        }
    }

    private async Task RunAsync(Func<Core.Identity.Actor, Task<Result>> action, string done)
    {
        _busy = true;
        var result = await action(await CurrentUser.GetActorAsync());
        _busy = false;
        Snackbar.Add(result.Error?.Message ?? done, result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task<bool> ConfirmAsync(string title, string message, string yes) =>
        await Dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: "Cancel") == true;

    private static GitTokenInput EmptyToken() => new("git", null);
}
