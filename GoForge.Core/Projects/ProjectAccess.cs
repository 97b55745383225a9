using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;

namespace GoForge.Core.Projects;

/// <summary>
/// The one membership check every project service makes. A project the actor may not see answers exactly
/// like a project that does not exist, so ids cannot be probed.
/// </summary>
public sealed class ProjectAccess(IProjectRepository projects) : IProjectVisibility
{
    public static Error NotFound(string what) => Error.NotFound($"No such {what}.");

    /// <summary>The actor's role when they may do <paramref name="action"/> in the project; not-found or forbidden otherwise.</summary>
    public async Task<Result<ProjectRole>> CheckAsync(Actor actor, Guid projectId, ProjectAction action, string what = "project", CancellationToken ct = default)
    {
        if (!actor.MayReach(projectId))
        {
            return NotFound(what);
        }

        ProjectRole? role;
        if (actor.IsAdmin)
        {
            role = await projects.GetAsync(projectId, ct) is null ? null : ProjectRole.Maintainer;
        }
        else
        {
            role = await projects.GetRoleAsync(projectId, actor.UserId, ct);
        }

        if (role is null)
        {
            return NotFound(what);
        }

        return role.Value.Allows(action)
            ? role.Value
            : Error.Forbidden($"Your role in this project ({role.Value.ToString().ToLowerInvariant()}) does not allow this.");
    }

    /// <inheritdoc />
    public async Task<bool> CanViewAsync(Actor actor, Guid projectId, CancellationToken ct = default) =>
        (await CheckAsync(actor, projectId, ProjectAction.View, ct: ct)).IsSuccess;
}
