using GoForge.Core.Common;
using GoForge.Core.GitProviders;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Webhooks;

public sealed partial class WebhookSecretCard
{
    [Inject]
    public required WebhookService Webhooks { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The application whose secret this is. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>Whether the application has a secret. Default false.</summary>
    [Parameter]
    public bool HasSecret { get; set; }

    /// <summary>When the secret was made; null when there is none. Default null.</summary>
    [Parameter]
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Whether the viewer may create, reveal and regenerate the secret (maintainers). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    /// <summary>Raised after a secret was created or replaced, so the parent reads the overview again.</summary>
    [Parameter]
    public EventCallback OnChanged { get; set; }

    // The plain secret, only while this viewer chose to see it (or just made it); never for non-maintainers.
    private string? _secret;
    private bool _justMade;
    private bool _busy;

    private Task CreateAsync() => MakeAsync("Created the webhook secret.");

    private async Task RegenerateAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Regenerate the webhook secret?",
            "The current secret stops working at once: every Git host still using it has its deliveries refused until you paste the new one into its webhook.",
            yesText: "Regenerate", cancelText: "Cancel");
        if (confirmed == true)
        {
            await MakeAsync("Regenerated the webhook secret; the old one no longer works.");
        }
    }

    private async Task MakeAsync(string done)
    {
        _busy = true;
        var result = await Webhooks.RegenerateSecretAsync(await CurrentUser.GetActorAsync(), ApplicationId);
        _busy = false;
        if (!Report(result.Error))
        {
            return;
        }

        (_secret, _justMade) = (result.Value, true);
        Snackbar.Add(done, Severity.Success);
        await OnChanged.InvokeAsync();
    }

    private async Task RevealAsync() => _secret = await RevealedAsync() ?? _secret;

    private void Hide() => (_secret, _justMade) = (null, false);

    // Copies without showing it: the value never reaches the page's markup.
    private async Task CopyHiddenAsync()
    {
        if (await RevealedAsync() is not { } secret)
        {
            return;
        }

        var copied = await JS.WriteAsync(secret);
        Snackbar.Add(copied ? "Copied the secret to the clipboard." : Clipboard.Refused, copied ? Severity.Success : Severity.Warning);
    }

    private async Task<string?> RevealedAsync()
    {
        _busy = true;
        var result = await Webhooks.RevealSecretAsync(await CurrentUser.GetActorAsync(), ApplicationId);
        _busy = false;
        return Report(result.Error) ? result.Value : null;
    }

    private bool Report(Error? error)
    {
        if (error is not null)
        {
            Snackbar.Add(error.Message, Severity.Error);
        }

        return error is null;
    }
}
