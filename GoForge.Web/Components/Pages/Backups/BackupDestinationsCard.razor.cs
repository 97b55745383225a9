using GoForge.Core.Backups;
using GoForge.Core.Common;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Backups;

/// <summary>The destinations through <see cref="BackupDestinationService"/> (administrators only; it checks every call).</summary>
public sealed partial class BackupDestinationsCard
{
    private IReadOnlyList<BackupDestination> _destinations = [];
    private BackupDestinationInput _input = new();
    private Error? _fieldError;
    private string? _error;
    private bool _busy;

    [Inject]
    public required BackupDestinationService Destinations { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        var listed = await Destinations.ListAsync(await CurrentUser.GetActorAsync());
        (_destinations, _error) = (listed.Value ?? [], listed.Error?.Message);
    }

    private async Task AddAsync()
    {
        _busy = true;
        var created = await Destinations.CreateAsync(await CurrentUser.GetActorAsync(), _input);
        _busy = false;
        _fieldError = created.Error;
        if (created.IsSuccess)
        {
            Snackbar.Add($"Destination {created.Value.Name} added.", Severity.Success);
            _input = new BackupDestinationInput();
            await LoadAsync();
        }
    }

    private async Task DeleteAsync(BackupDestination destination)
    {
        _busy = true;
        var deleted = await Destinations.DeleteAsync(await CurrentUser.GetActorAsync(), destination.Id);
        _busy = false;
        Snackbar.Add(deleted.Error?.Message ?? $"Destination {destination.Name} deleted.", deleted.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private bool Has(string field) => _fieldError?.FieldErrors.ContainsKey(field) == true;

    private string? Text(string field) => _fieldError?.FieldErrors.GetValueOrDefault(field) is { } messages ? string.Join(" ", messages) : null;
}
