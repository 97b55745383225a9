using GoForge.Core.Notifications;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Notifications;

public sealed partial class NotificationChannelsCard
{
    [Inject]
    public required NotificationChannelService Channels { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The project whose channels are shown; null (the default) for the admin-wide channels.</summary>
    [Parameter]
    public Guid? ProjectId { get; set; }

    private readonly FormErrors _errors = new(ChannelForm.Fields);
    private IReadOnlyList<NotificationChannel>? _channels;
    private ChannelInput? _editing;
    private Guid? _editingId;
    private Guid? _logFor;
    private IReadOnlyList<DeliveryLogEntry>? _log;
    private bool _busy;

    protected override async Task OnParametersSetAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        var result = await Channels.ListAsync(await CurrentUser.GetActorAsync(), ProjectId);
        _channels = result.IsSuccess ? result.Value : [];
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private void Add()
    {
        _errors.Clear();
        _editingId = null;
        _editing = new ChannelInput { Kind = ChannelKind.Webhook };
    }

    private void Edit(NotificationChannel channel)
    {
        _errors.Clear();
        _editingId = channel.Id;
        _editing = ChannelForm.InputOf(channel);
    }

    private void CancelEdit()
    {
        _editing = null;
        _editingId = null;
    }

    private async Task SaveAsync(ChannelInput input)
    {
        _busy = true;
        try
        {
            var actor = await CurrentUser.GetActorAsync();
            var result = _editingId is { } id ? await Channels.UpdateAsync(actor, id, input) : await Channels.CreateAsync(actor, ProjectId, input);
            _errors.Set(result.Error);
            if (result.IsSuccess)
            {
                Snackbar.Add($"Channel {result.Value.Name} saved.", Severity.Success);
                CancelEdit();
                await LoadAsync();
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SendTestAsync(NotificationChannel channel)
    {
        var result = await Channels.SendTestAsync(await CurrentUser.GetActorAsync(), channel.Id);
        Snackbar.Add(result.IsSuccess ? "Test queued; the delivery log shows how it went." : result.Error!.Message, result.IsSuccess ? Severity.Info : Severity.Warning);
        if (_logFor == channel.Id)
        {
            await LoadLogAsync(channel.Id);
        }
    }

    private async Task ToggleLogAsync(NotificationChannel channel)
    {
        if (_logFor == channel.Id)
        {
            _logFor = null;
            _log = null;
            return;
        }

        await LoadLogAsync(channel.Id);
    }

    private async Task LoadLogAsync(Guid channelId)
    {
        var result = await Channels.ListDeliveriesAsync(await CurrentUser.GetActorAsync(), channelId);
        _logFor = channelId;
        _log = result.IsSuccess ? result.Value : [];
    }

    private async Task DeleteAsync(NotificationChannel channel)
    {
        _busy = true;
        try
        {
            var result = await Channels.DeleteAsync(await CurrentUser.GetActorAsync(), channel.Id);
            Snackbar.Add(result.IsSuccess ? $"Channel {channel.Name} deleted." : result.Error!.Message, result.IsSuccess ? Severity.Success : Severity.Error);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
