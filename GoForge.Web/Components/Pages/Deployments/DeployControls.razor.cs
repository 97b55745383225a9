using GoForge.Core.Deployments;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Deployments;

public sealed partial class DeployControls : ComponentBase, IDisposable
{
    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The application to deploy. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>Whether the viewer's role allows deploying (the service checks again). Default false.</summary>
    [Parameter]
    public bool CanDeploy { get; set; }

    /// <summary>Whether the application runs a registry image: a plain deploy skips an unchanged digest, so a forced one is offered too. Default false.</summary>
    [Parameter]
    public bool IsImage { get; set; }

    private Deployment? _latest;
    private IDisposable? _subscription;
    private Guid? _watching;
    private bool _busy;

    protected override async Task OnParametersSetAsync()
    {
        if (_watching == ApplicationId)
        {
            return;
        }

        _watching = ApplicationId;
        _subscription?.Dispose();
        _latest = null;
        var actor = await CurrentUser.GetActorAsync();

        // Watch first, then read: a deployment queued in between arrives through the feed and is not missed.
        var watch = await Deployments.WatchAsync(actor, ApplicationId, OnUpdate);
        _subscription = watch.Value;
        var latest = await Deployments.ListAsync(actor, ApplicationId, limit: 1);
        // A pushed change may have arrived meanwhile; it is at least as new as this read for the same deployment.
        if (latest.IsSuccess && latest.Value.Count > 0 && (_latest is null || latest.Value[0].CreatedAt > _latest.CreatedAt))
        {
            _latest = latest.Value[0];
        }
    }

    // Runs on the publisher's thread: hand off to the circuit at once.
    private void OnUpdate(DeploymentUpdate update)
    {
        // A pull request preview's deployment is not the application's (docs/decisions/previews.md).
        if (update is DeploymentStateChanged { Deployment.PreviewId: null } changed)
        {
            _ = InvokeAsync(() => Apply(changed.Deployment));
        }
    }

    private void Apply(Deployment deployment)
    {
        if (IsNewest(deployment))
        {
            _latest = deployment;
            StateHasChanged();
        }
    }

    private bool IsNewest(Deployment deployment) =>
        _latest is null || deployment.Id == _latest.Id || deployment.CreatedAt > _latest.CreatedAt;

    private async Task QueueAsync(bool force, bool forceRebuild)
    {
        _busy = true;
        try
        {
            var actor = await CurrentUser.GetActorAsync();
            var queued = force
                ? await Deployments.EnqueueForcedAsync(actor, ApplicationId)
                : await Deployments.EnqueueAsync(actor, ApplicationId, null, DeploymentSource.Manual, forceRebuild);
            if (!queued.IsSuccess)
            {
                Snackbar.Add(queued.Error.Message, Severity.Error);
                return;
            }

            Snackbar.Add("Deployment queued.", Severity.Success);
            Navigation.NavigateTo(DeploymentWording.Href(queued.Value.Id));
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose() => _subscription?.Dispose();
}
