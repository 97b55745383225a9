using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Applications;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Deployments;

public sealed partial class DeploymentPage : ComponentBase, IDisposable
{
    public DeploymentPage() => _refresh = new SerialRefresh(ReloadAsync);

    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required ApplicationService Applications { get; init; }

    [Inject]
    public required EnvironmentService Environments { get; init; }

    [Inject]
    public required ProjectService Projects { get; init; }

    [Inject]
    public required ProjectAccess Access { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The deployment's id, from the route.</summary>
    [Parameter]
    public Guid DeploymentId { get; set; }

    private readonly SerialRefresh _refresh;
    private Deployment? _deployment;
    private IReadOnlyList<DeploymentTransition> _history = [];
    private IReadOnlyList<RetainedImage> _targets = [];
    private int? _position;
    private Application? _application;
    private ProjectTrail? _trail;
    private Actor? _actor;
    private Error? _error;
    private IDisposable? _subscription;
    private Guid? _loadedId;
    private bool _busy;

    private bool MayDeploy => _trail?.Role.Allows(ProjectAction.Deploy) == true;

    private TransitionRequest Request => new(null, _actor?.UserId, MayDeploy, _targets.Count > 0);

    private bool CanCancel => _deployment is not null && DeploymentStates.Check(_deployment, DeploymentTrigger.Cancel, Request).IsSuccess;

    private bool CanRollBack => _deployment is not null && DeploymentStates.Check(_deployment, DeploymentTrigger.RollBack, Request).IsSuccess;

    /// <summary>"Deployment 3f2a9c1", or just "Deployment" until the clone has recorded the commit.</summary>
    private string Title => _deployment?.CommitSha is { } sha ? $"Deployment {DeploymentWording.ShortSha(sha)}" : "Deployment";

    private List<BreadcrumbItem> Breadcrumbs
    {
        get
        {
            var items = _trail!.Breadcrumbs(Title);
            items.Insert(3, new BreadcrumbItem(_application!.Name, $"/applications/{_application.Id}?tab=deployments"));
            return items;
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedId == DeploymentId)
        {
            return;
        }

        _loadedId = DeploymentId;
        _subscription?.Dispose();
        (_deployment, _application, _trail, _error) = (null, null, null, null);
        _actor = await CurrentUser.GetActorAsync();
        var found = await Deployments.GetAsync(_actor, DeploymentId);
        var application = found.IsSuccess ? await Applications.GetAsync(_actor, found.Value.ApplicationId) : default;
        if (!found.IsSuccess || !application.IsSuccess)
        {
            _error = found.Error ?? application.Error;
            return;
        }

        var trail = await ProjectTrail.LoadAsync(_actor, application.Value.EnvironmentId, Environments, Projects, Access);
        if (!trail.IsSuccess)
        {
            _error = trail.Error;
            return;
        }

        // Watch first, then read: a change in between arrives through the feed and triggers another read.
        var watch = await Deployments.WatchAsync(_actor, application.Value.Id, OnUpdate);
        _subscription = watch.Value;
        (_application, _trail) = (application.Value, trail.Value);
        await _refresh.RunAsync(); // shares the gate with pushed refreshes that may already be arriving
    }

    // Runs on the publisher's thread. Any state change in the application counts: a newer deployment can
    // supersede this one or change what it could roll back to. Log lines are the log's business.
    private void OnUpdate(DeploymentUpdate update)
    {
        if (update is DeploymentStateChanged)
        {
            _ = InvokeAsync(RefreshAsync);
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            await _refresh.RunAsync();
            StateHasChanged();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    private async Task ReloadAsync()
    {
        var found = await Deployments.GetAsync(_actor!, DeploymentId);
        if (!found.IsSuccess)
        {
            _error = found.Error;
            return;
        }

        var history = await Deployments.HistoryAsync(_actor!, DeploymentId);
        var position = await Deployments.QueuePositionAsync(_actor!, DeploymentId);
        var targets = found.Value.State == DeploymentState.Running && MayDeploy
            ? (await Deployments.RollbackTargetsAsync(_actor!, found.Value.ApplicationId)).Value
            : null;
        (_deployment, _history, _position, _targets) = (found.Value, history.Value ?? [], position.Value, targets ?? []);
    }

    private async Task CancelAsync()
    {
        _busy = true;
        try
        {
            var canceled = await Deployments.CancelAsync(_actor!, DeploymentId);
            Snackbar.Add(canceled.IsSuccess ? "Deployment canceled." : canceled.Error.Message, canceled.IsSuccess ? Severity.Success : Severity.Error);
            await _refresh.RunAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RollBackAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Roll back?",
            "Start the image of the previous deployment again? When it is healthy, this deployment is marked rolled back.",
            yesText: "Roll back",
            cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var queued = await Deployments.RollbackAsync(_actor!, _deployment!.ApplicationId);
        if (!queued.IsSuccess)
        {
            Snackbar.Add(queued.Error.Message, Severity.Error);
            return;
        }

        Snackbar.Add("Rollback queued.", Severity.Success);
        Navigation.NavigateTo(DeploymentWording.Href(queued.Value.Id));
    }

    public void Dispose() => _subscription?.Dispose();
}
