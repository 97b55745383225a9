using GoForge.Core.AuditTrail;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Settings;

public sealed partial class AuditRetentionCard
{
    [Inject]
    public required AuditRetention Retention { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private AuditRetentionView? _view;
    private int _days;
    private string? _error;
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        var result = await Retention.GetAsync(await CurrentUser.GetActorAsync());
        _view = result.IsSuccess ? result.Value : null;
        _days = _view?.Days ?? AuditRetention.DefaultDays;
    }

    private async Task SaveAsync()
    {
        _busy = true;
        var result = await Retention.SaveAsync(await CurrentUser.GetActorAsync(), new AuditRetentionInput(_days));
        _busy = false;
        _error = result.Error?.FieldErrors.GetValueOrDefault(nameof(AuditRetentionInput.Days)) is { } messages ? string.Join(" ", messages) : null;
        if (result.IsSuccess)
        {
            _view = result.Value;
            Snackbar.Add($"Audit events are kept for {_view!.Days} days.", Severity.Success);
        }
        else if (_error is null)
        {
            Snackbar.Add(result.Error!.Message, Severity.Error);
        }
    }
}
