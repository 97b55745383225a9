using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Previews;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Previews;

/// <summary>
/// An application's previews (docs/decisions/previews.md). Every action goes through <see cref="PreviewService"/>,
/// which checks the viewer's role again; the buttons shown only follow it. Live: a preview deployment's change of
/// state (pushed by the deployments feed) reloads the list. Give it <c>@key</c> of the application.
/// </summary>
public sealed partial class PreviewsPanel : LiveComponent
{
    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required PreviewService Previews { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The application whose previews are shown. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>Whether the viewer may change settings, approve and delete (maintainers). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    /// <summary>Whether the viewer may redeploy (who may deploy the application). Default false.</summary>
    [Parameter]
    public bool CanDeploy { get; set; }

    private Actor? _actor;
    private PreviewSettings? _settings;
    private IReadOnlyList<PreviewView>? _previews;
    private Error? _error;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentUser.GetActorAsync();
        // Watch first, then read: nothing that happens in between is missed.
        Watch((await Deployments.WatchAsync(_actor, ApplicationId, OnUpdate)).Value);
        await ReloadNowAsync();
    }

    // On the feed's thread: only a preview's deployment changing state changes this list.
    private void OnUpdate(DeploymentUpdate update)
    {
        if (update is DeploymentStateChanged { Deployment.PreviewId: not null })
        {
            RefreshSoon();
        }
    }

    protected override Task ReloadAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var settings = await Previews.GetSettingsAsync(_actor!, ApplicationId);
        var listed = await Previews.ListAsync(_actor!, ApplicationId);
        (_settings, _previews, _error) = (settings.Value, listed.Value, settings.Error ?? listed.Error);
    }

    private async Task<Error?> SaveSettingsAsync(PreviewSettingsInput input)
    {
        var saved = await Previews.UpdateSettingsAsync(_actor!, ApplicationId, input);
        if (saved.IsSuccess)
        {
            Snackbar.Add(saved.Value.Enabled ? "Pull request previews are on." : "Pull request previews are off.", Severity.Success);
            await ReloadNowAsync();
        }

        return saved.Error;
    }

    private Task ApproveAsync(Preview preview) =>
        ActAsync(async () => (await Previews.ApproveAsync(_actor!, preview.Id, preview.HeadCommit)).Error, $"Approved {preview.HeadCommit[..12]} of #{preview.Number}.");

    private Task RedeployAsync(Preview preview) =>
        ActAsync(async () => (await Previews.RedeployAsync(_actor!, preview.Id)).Error, $"Preview of #{preview.Number} queued.");

    private Task DeleteAsync(Preview preview) =>
        ActAsync(async () => (await Previews.DeleteAsync(_actor!, preview.Id)).Error, $"Preview of #{preview.Number} deleted.");

    private async Task ActAsync(Func<Task<Error?>> action, string done)
    {
        var error = await action();
        Snackbar.Add(error?.Message ?? done, error is null ? Severity.Success : Severity.Error);
        await ReloadNowAsync();
    }
}
