using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Registry;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class RegistryCredentialCard
{
    private readonly FormErrors _errors = new(nameof(RegistryCredentialInput.Username), nameof(RegistryCredentialInput.Password));
    private RegistryCredentialSummary? _credential;
    private Error? _loadError;
    private bool _loaded;
    private bool _busy;
    private string? _username;
    private string? _password;
    private Guid? _loadedFor;

    [Inject]
    public required RegistryCredentialService Credentials { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The image application whose credential this is. Required.</summary>
    [Parameter, EditorRequired]
    public Application Application { get; set; } = default!;

    /// <summary>Whether the viewer may change it (maintainers; the service checks again). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    private string Registry => ImageReference.TryParse(Application.ImageReference, out var reference, out _) ? reference.RegistryHost : "the image's registry";

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedFor == Application.Id)
        {
            return;
        }

        _loadedFor = Application.Id;
        var result = await Credentials.GetAsync(await CurrentUser.GetActorAsync(), Application.Id);
        (_credential, _loadError, _loaded) = (result.IsSuccess ? result.Value : null, result.Error, true);
        _username = _credential?.Username;
    }

    private async Task SaveAsync()
    {
        _busy = true;
        var result = await Credentials.SetAsync(await CurrentUser.GetActorAsync(), Application.Id, new RegistryCredentialInput { Username = _username, Password = _password });
        _busy = false;
        _errors.Set(result.Error);
        if (result.IsSuccess)
        {
            (_credential, _password) = (result.Value, null);
            Snackbar.Add("Registry credential saved.", Severity.Success);
        }
    }

    private async Task RemoveAsync()
    {
        _busy = true;
        var result = await Credentials.DeleteAsync(await CurrentUser.GetActorAsync(), Application.Id);
        _busy = false;
        if (result.IsSuccess)
        {
            (_credential, _username, _password) = (null, null, null);
            Snackbar.Add("Registry credential removed.", Severity.Success);
            return;
        }

        Snackbar.Add(result.Error!.Message, Severity.Error);
    }
}
