using GoForge.Core.Common;
using GoForge.Core.Volumes;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Servers;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class VolumesCard
{
    [Inject]
    public required AppVolumeService Volumes { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The application whose volumes are shown. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>Whether the viewer may add and delete volumes (maintainers). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    private readonly FormErrors _errors = new(nameof(AppVolumeInput.Name), nameof(AppVolumeInput.MountPath), nameof(AppVolumeInput.HostPath));
    private AppVolumeInput _input = new();
    private AppVolumeList? _list;
    private Error? _loadError;
    private Guid _loaded;
    private bool _busy;
    private bool _isAdmin;

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded == ApplicationId)
        {
            return;
        }

        _loaded = ApplicationId;
        _isAdmin = (await CurrentUser.GetActorAsync()).IsAdmin;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var listed = await Volumes.ListAsync(await CurrentUser.GetActorAsync(), ApplicationId);
        _list = listed.IsSuccess ? listed.Value : null;
        _loadError = listed.IsSuccess ? null : listed.Error;
    }

    private async Task AddAsync()
    {
        _busy = true;
        var added = await Volumes.AddAsync(await CurrentUser.GetActorAsync(), ApplicationId, _input);
        _busy = false;
        _errors.Set(added.Error);
        if (added.IsSuccess)
        {
            Snackbar.Add($"Volume {added.Value.Name} added: it is mounted from the next deploy.", Severity.Success);
            _input = new AppVolumeInput();
            await LoadAsync();
        }
    }

    private async Task DeleteAsync(AppVolume volume)
    {
        var consequence = volume.Kind == AppVolumeKind.Bind
            ? $"The application stops mounting {volume.HostPath} from its next deploy; the host folder itself is left as it is."
            : "Its data is deleted for good. The engine refuses while a container of the application still mounts it.";
        if (!await Dialogs.ConfirmDeleteAsync("volume", volume.Name, consequence))
        {
            return;
        }

        _busy = true;
        var result = await Volumes.DeleteAsync(await CurrentUser.GetActorAsync(), volume.Id, volume.Name);
        _busy = false;
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error!.Message, Severity.Error);
            return;
        }

        Snackbar.Add($"Volume {volume.Name} deleted.", Severity.Success);
        await LoadAsync();
    }

    private async Task SetBindMountsAsync(bool allowed)
    {
        _busy = true;
        var result = await Volumes.SetBindMountsAllowedAsync(await CurrentUser.GetActorAsync(), ApplicationId, allowed);
        _busy = false;
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error!.Message, Severity.Error);
        }

        await LoadAsync();
    }

    private static string SizeText(AppVolumeView view) => view switch
    {
        { Volume.Kind: AppVolumeKind.Bind } => "—",
        { SizeBytes: { } bytes } => DockerWording.Bytes(bytes),
        _ => "not created yet",
    };
}
