using GoForge.Core.Backups;
using GoForge.Core.Common;
using GoForge.Core.Common.Live;
using GoForge.Core.Services;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Backups;

/// <summary>
/// A service's backups through <see cref="ServiceBackupService"/> (which checks every call for the signed-in user).
/// Runs queued, started and ended are pushed through <see cref="ChangeFeed{TChange}"/> (subscribed once the service loaded
/// for this user), and the history is read again on each.
/// </summary>
public sealed partial class ServiceBackupsCard : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private IDisposable? _subscription;
    private BackupOverview? _overview;
    private IReadOnlyList<BackupDestinationChoice> _choices = [];
    private bool _supported;
    private bool _busy;
    private string? _loadError;
    private Error? _saveError;

    [Inject]
    public required ServiceBackupService Backups { get; init; }

    [Inject]
    public required BackupDestinationService Destinations { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ChangeFeed<BackupRunChange> Feed { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The service. Required; give the card an <c>@key</c> of its id.</summary>
    [Parameter, EditorRequired]
    public ServiceInstance Service { get; set; } = default!;

    /// <summary>Deployers and up: back up now, cancel.</summary>
    [Parameter]
    public bool CanBackUp { get; set; }

    /// <summary>Maintainers: the schedule and restores.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    /// <summary>Those who may reveal secrets: downloads.</summary>
    [Parameter]
    public bool CanDownload { get; set; }

    private bool InFlight => _overview?.Runs.Any(r => r.InFlight) == true;

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentUser.GetActorAsync();
        _choices = await Destinations.ChoicesAsync(actor);
        _supported = (await Backups.IsSupportedAsync(actor, Service.Id)).Value;
        await LoadAsync();
        if (_overview is not null)
        {
            _subscription = Feed.Subscribe(Service.Id, OnRunChanged);
        }
    }

    private async Task LoadAsync()
    {
        var overview = await Backups.OverviewAsync(await CurrentUser.GetActorAsync(), Service.Id);
        (_overview, _loadError) = (overview.Value, overview.Error?.Message);
    }

    /// <summary>A run of this service was queued, started or ended (in any circuit, or by the worker): read the history again.</summary>
    private void OnRunChanged(BackupRunChange change) => _ = InvokeAsync(async () =>
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        var overview = await Backups.OverviewAsync(await CurrentUser.GetActorAsync(), Service.Id);
        _overview = overview.Value ?? _overview;
        StateHasChanged();
    });

    private async Task SaveAsync(BackupScheduleInput input)
    {
        _busy = true;
        var saved = await Backups.SaveScheduleAsync(await CurrentUser.GetActorAsync(), Service.Id, input);
        _busy = false;
        _saveError = saved.Error;
        if (saved.IsSuccess)
        {
            Snackbar.Add("Backup schedule saved.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task BackUpNowAsync() =>
        await ActAsync(async actor => (await Backups.BackUpNowAsync(actor, Service.Id)).Error, "Backup queued.");

    private async Task CancelAsync(BackupRun run) =>
        await ActAsync(async actor => (await Backups.CancelAsync(actor, Service.Id, run.Id)).Error, "Canceling.");

    private async Task RestoreAsync(BackupRun run)
    {
        var dialog = await Dialogs.ShowAsync<RestoreBackupDialog>($"Restore {Service.Name}",
            new DialogParameters<RestoreBackupDialog> { { d => d.ServiceName, Service.Name }, { d => d.Run, run } });
        if (await dialog.Result is not { Canceled: false, Data: string typed })
        {
            return;
        }

        await ActAsync(async actor => (await Backups.RestoreAsync(actor, Service.Id, run.Id, typed)).Error, "Restore queued; the history shows its verification.");
    }

    private async Task ActAsync(Func<GoForge.Core.Identity.Actor, Task<Error?>> action, string success)
    {
        _busy = true;
        var error = await action(await CurrentUser.GetActorAsync());
        _busy = false;
        Snackbar.Add(error?.Message ?? success, error is null ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
