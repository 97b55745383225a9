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

public sealed partial class DeploymentPage : TrailPage
{
    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required ApplicationService Applications { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    /// <summary>The deployment's id, from the route.</summary>
    [Parameter]
    public Guid DeploymentId { get; set; }

    private Deployment? _deployment;
    private IReadOnlyList<DeploymentTransition> _history = [];
    private IReadOnlyList<RetainedImage> _targets = [];
    private int? _position;
    private Application? _application;
    private bool _busy;

    private bool MayDeploy => Trail?.Role.Allows(ProjectAction.Deploy) == true;

    private TransitionRequest Request => new(null, Actor?.UserId, MayDeploy, _targets.Count > 0);

    private bool CanCancel => _deployment is not null && DeploymentStates.Check(_deployment, DeploymentTrigger.Cancel, Request).IsSuccess;

    private bool CanRollBack => _deployment is not null && DeploymentStates.Check(_deployment, DeploymentTrigger.RollBack, Request).IsSuccess;

    /// <summary>"Deployment 3f2a9c1", or just "Deployment" until the clone has recorded the commit.</summary>
    private string Title => _deployment?.CommitSha is { } sha ? $"Deployment {DeploymentWording.ShortSha(sha)}" : "Deployment";

    private List<BreadcrumbItem> Breadcrumbs
    {
        get
        {
            var items = Trail!.Breadcrumbs(Title);
            items.Insert(3, new BreadcrumbItem(_application!.Name, $"/applications/{_application.Id}?tab=deployments"));
            return items;
        }
    }

    protected override Guid PageKey => DeploymentId;

    protected override async Task<Result> LoadAsync(Actor actor)
    {
        (_deployment, _application) = (null, null);
        var found = await Deployments.GetAsync(actor, DeploymentId);
        var application = found.IsSuccess ? await Applications.GetAsync(actor, found.Value.ApplicationId) : default;
        if (!found.IsSuccess || !application.IsSuccess)
        {
            return (found.Error ?? application.Error)!;
        }

        var trail = await LoadTrailAsync(application.Value.EnvironmentId);
        if (!trail.IsSuccess)
        {
            return trail;
        }

        // Watch first, then read: a change in between arrives through the feed and triggers another read.
        Watch((await Deployments.WatchAsync(actor, application.Value.Id, OnUpdate)).Value);
        _application = application.Value;
        await ReloadNowAsync();
        return Result.Success;
    }

    // On the feed's thread. Any state change in the application counts: a newer deployment can supersede this
    // one or change what it could roll back to. Log lines are the log's business.
    private void OnUpdate(DeploymentUpdate update)
    {
        if (update is DeploymentStateChanged)
        {
            RefreshSoon();
        }
    }

    protected override async Task ReloadAsync()
    {
        var found = await Deployments.GetAsync(Actor!, DeploymentId);
        if (!found.IsSuccess)
        {
            LoadError = found.Error;
            return;
        }

        var history = await Deployments.HistoryAsync(Actor!, DeploymentId);
        var position = await Deployments.QueuePositionAsync(Actor!, DeploymentId);
        var targets = found.Value.State == DeploymentState.Running && MayDeploy
            ? (await Deployments.RollbackTargetsAsync(Actor!, found.Value.ApplicationId)).Value
            : null;
        (_deployment, _history, _position, _targets) = (found.Value, history.Value ?? [], position.Value, targets ?? []);
    }

    private async Task CancelAsync()
    {
        _busy = true;
        try
        {
            var canceled = await Deployments.CancelAsync(Actor!, DeploymentId);
            Snackbar.Add(canceled.IsSuccess ? "Deployment canceled." : canceled.Error.Message, canceled.IsSuccess ? Severity.Success : Severity.Error);
            await ReloadNowAsync();
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

        var queued = await Deployments.RollbackAsync(Actor!, _deployment!.ApplicationId);
        if (!queued.IsSuccess)
        {
            Snackbar.Add(queued.Error.Message, Severity.Error);
            return;
        }

        Snackbar.Add("Rollback queued.", Severity.Success);
        Navigation.NavigateTo(DeploymentWording.Href(queued.Value.Id));
    }
}
