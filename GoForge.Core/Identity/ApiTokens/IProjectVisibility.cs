namespace GoForge.Core.Identity.ApiTokens;

/// <summary>
/// Whether an actor may see a project, asked when a token is restricted to one. Projects answers it (its one
/// membership check), so Identity needs nothing of Projects.
/// </summary>
public interface IProjectVisibility
{
    /// <summary>True when <paramref name="actor"/> may view the project; false for one that does not exist or they may not see.</summary>
    Task<bool> CanViewAsync(Actor actor, Guid projectId, CancellationToken ct = default);
}
