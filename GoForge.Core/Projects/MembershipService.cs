using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Projects;

/// <summary>Who belongs to a project, with which role. Maintainers manage members; a project keeps at least one maintainer.</summary>
public sealed class MembershipService(IProjectRepository projects, IUserRepository users, ProjectAccess access, IAuditLog audit, TimeProvider time)
{
    public async Task<Result<IReadOnlyList<ProjectMember>>> ListAsync(Actor actor, Guid projectId, CancellationToken ct = default)
    {
        var allowed = await access.CheckAsync(actor, projectId, ProjectAction.View, ct: ct);
        return allowed.IsSuccess ? Result<IReadOnlyList<ProjectMember>>.Ok(await projects.ListMembersAsync(projectId, ct)) : allowed.Error;
    }

    /// <summary>Adds a user by login, or changes their role when they are a member already.</summary>
    public async Task<Result> SetAsync(Actor actor, Guid projectId, string? login, ProjectRole role, CancellationToken ct = default)
    {
        var allowed = await access.CheckAsync(actor, projectId, ProjectAction.ManageMembers, ct: ct);
        if (!allowed.IsSuccess)
        {
            return allowed.Error;
        }

        if (!Enum.IsDefined(role))
        {
            return Error.Validation("Role", "Choose viewer, deployer or maintainer.");
        }

        var normalized = UserInputRules.NormalizeLogin(login);
        var user = normalized.Length is > 0 and <= UserInputRules.LoginMaxLength ? await users.GetByLoginAsync(normalized, ct) : null;
        if (user is null || user.IsDisabled)
        {
            return Error.Validation("Login", "No active user has this login.");
        }

        var members = await projects.ListMembersAsync(projectId, ct);
        if (role != ProjectRole.Maintainer && IsLastMaintainer(members, user.Id))
        {
            return Error.Conflict("A project keeps at least one maintainer; make someone else maintainer first.");
        }

        await projects.SetMemberAsync(projectId, user.Id, role, ct);
        await audit.RecordAsync(time, actor, projectId, AuditActions.MemberSet, $"project:{projectId}", $"{user.Login} as {role}", ct);
        return Result.Success;
    }

    public async Task<Result> RemoveAsync(Actor actor, Guid projectId, Guid userId, CancellationToken ct = default)
    {
        var allowed = await access.CheckAsync(actor, projectId, ProjectAction.ManageMembers, ct: ct);
        if (!allowed.IsSuccess)
        {
            return allowed.Error;
        }

        var members = await projects.ListMembersAsync(projectId, ct);
        var member = members.FirstOrDefault(m => m.UserId == userId);
        if (member is null)
        {
            return Error.NotFound("No such member.");
        }

        if (IsLastMaintainer(members, userId))
        {
            return Error.Conflict("A project keeps at least one maintainer; make someone else maintainer first.");
        }

        await projects.RemoveMemberAsync(projectId, userId, ct);
        await audit.RecordAsync(time, actor, projectId, AuditActions.MemberRemoved, $"project:{projectId}", member.Login, ct);
        return Result.Success;
    }

    private static bool IsLastMaintainer(IReadOnlyList<ProjectMember> members, Guid userId) =>
        members.Any(m => m.UserId == userId && m.Role == ProjectRole.Maintainer)
        && members.Count(m => m.Role == ProjectRole.Maintainer) == 1;
}
