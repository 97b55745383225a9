using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Projects;

public sealed partial class MembersDialog
{
    private static readonly ProjectRole[] Roles = [ProjectRole.Viewer, ProjectRole.Deployer, ProjectRole.Maintainer];

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    public required MembershipService Memberships { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>The project whose members are shown. Required.</summary>
    [Parameter, EditorRequired]
    public Guid ProjectId { get; set; }

    /// <summary>Whether the viewer may add, change and remove members (maintainers). Default false.</summary>
    [Parameter]
    public bool CanManage { get; set; }

    private readonly FormErrors _errors = new("Login", "Role");
    private IReadOnlyList<ProjectMember>? _members;
    private Guid _self;
    private string? _login;
    private ProjectRole _role = ProjectRole.Deployer;
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        _self = (await CurrentUser.GetActorAsync()).UserId;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var result = await Memberships.ListAsync(await CurrentUser.GetActorAsync(), ProjectId);
        _members = result.IsSuccess ? result.Value.OrderBy(m => m.Login, StringComparer.Ordinal).ToList() : [];
        if (!result.IsSuccess)
        {
            _errors.Set(result.Error);
        }
    }

    private async Task AddAsync()
    {
        _busy = true;
        var result = await Memberships.SetAsync(await CurrentUser.GetActorAsync(), ProjectId, _login, _role);
        _busy = false;
        _errors.Set(result.Error);
        if (result.IsSuccess)
        {
            Snackbar.Add($"{_login?.Trim()} is now a {Wording.Lower(_role)} of this project.", Severity.Success);
            _login = null;
            await LoadAsync();
        }
    }

    private async Task ChangeRoleAsync(ProjectMember member, ProjectRole role)
    {
        var result = await Memberships.SetAsync(await CurrentUser.GetActorAsync(), ProjectId, member.Login, role);
        Report(result.Error, $"{member.Login} is now a {Wording.Lower(role)}.");
        await LoadAsync();
    }

    private async Task RemoveAsync(ProjectMember member)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Remove member",
            $"Remove {member.Login} from this project? They no longer see it.",
            yesText: "Remove", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        var result = await Memberships.RemoveAsync(await CurrentUser.GetActorAsync(), ProjectId, member.UserId);
        Report(result.Error, $"Removed {member.Login}.");
        await LoadAsync();
    }

    private void Report(Error? error, string success)
    {
        if (error is null)
        {
            _errors.Clear();
            Snackbar.Add(success, Severity.Success);
        }
        else
        {
            _errors.Set(error);
        }
    }
}
