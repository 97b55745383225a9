using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Deployments;

public sealed partial class DeploymentList : LiveComponent
{
    private const int Shown = 50;

    [Inject]
    public required DeploymentService Deployments { get; init; }

    [Inject]
    public required MembershipService Members { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>The application whose deployments are listed. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ApplicationId { get; set; }

    /// <summary>Its project, to name who started each deployment. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ProjectId { get; set; }

    /// <summary>Whether the viewer's role allows deploying and rolling back (the service checks again). Default false.</summary>
    [Parameter]
    public bool CanDeploy { get; set; }

    private IReadOnlyList<Deployment>? _deployments;
    private IReadOnlyList<RetainedImage> _targets = [];
    private Dictionary<Guid, int> _positions = [];
    private Dictionary<Guid, string> _names = [];
    private Actor? _actor;
    private Guid? _watching;

    protected override async Task OnParametersSetAsync()
    {
        if (_watching == ApplicationId)
        {
            return;
        }

        _watching = ApplicationId;
        Watch(null);
        _actor = await CurrentUser.GetActorAsync();

        // Watch first, then read: nothing that happens in between is missed.
        Watch((await Deployments.WatchAsync(_actor, ApplicationId, OnUpdate)).Value);
        var members = await Members.ListAsync(_actor, ProjectId);
        _names = members.IsSuccess ? members.Value.ToDictionary(m => m.UserId, m => m.Login) : [];
        _names[_actor.UserId] = "you";
        await ReloadNowAsync();
    }

    // On the feed's thread: hand off to the circuit at once. Log lines do not change the list.
    private void OnUpdate(DeploymentUpdate update)
    {
        if (update is DeploymentStateChanged)
        {
            RefreshSoon();
        }
    }

    // The database is the truth: queue positions and rollback targets move with every state change.
    protected override async Task ReloadAsync()
    {
        var actor = _actor!;
        var list = await Deployments.ListAsync(actor, ApplicationId, Shown);
        if (!list.IsSuccess)
        {
            _deployments = [];
            Snackbar.Add(list.Error.Message, Severity.Error);
            return;
        }

        var positions = new Dictionary<Guid, int>();
        foreach (var pending in list.Value.Where(d => d.State == DeploymentState.Pending))
        {
            if ((await Deployments.QueuePositionAsync(actor, pending.Id)).Value is { } position)
            {
                positions[pending.Id] = position;
            }
        }

        var targets = CanDeploy ? await Deployments.RollbackTargetsAsync(actor, ApplicationId) : default;
        (_deployments, _positions, _targets) = (list.Value, positions, targets.Value ?? []);
    }

    private Deployment? Running => _deployments?.FirstOrDefault(d => d.State == DeploymentState.Running);

    private bool CanRollBack => _actor is not null && Running is { } running &&
        DeploymentStates.Check(running, DeploymentTrigger.RollBack, new TransitionRequest(null, _actor.UserId, CanDeploy, _targets.Count > 0)).IsSuccess;

    private string? NameOf(Guid userId) => _names.GetValueOrDefault(userId);

    private string TargetLabel(RetainedImage target)
    {
        var source = _deployments?.FirstOrDefault(d => d.Id == target.DeploymentId);
        var commit = source is null ? target.ImageTag : $"{DeploymentWording.ShortSha(source.CommitSha)} {DeploymentWording.FirstLine(source.CommitMessage)}";
        return $"{commit} · {DeploymentWording.Time(target.CreatedAt)}";
    }

    private async Task RollBackAsync(RetainedImage target)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Roll back?",
            $"Start the image of {TargetLabel(target)} again? When it is healthy, the deployment running now is marked rolled back.",
            yesText: "Roll back",
            cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var queued = await Deployments.RollbackAsync(_actor!, ApplicationId, target.DeploymentId);
        if (!queued.IsSuccess)
        {
            Snackbar.Add(queued.Error.Message, Severity.Error);
            return;
        }

        Snackbar.Add("Rollback queued.", Severity.Success);
        Navigation.NavigateTo(DeploymentWording.Href(queued.Value.Id));
    }
}
