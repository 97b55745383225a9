using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.TwoFactor;

/// <summary>
/// Recovery by someone else: an administrator resets another user's two-factor (they enrol again at their next sign-in
/// if the policy requires it). Never one's own through this path, so a stolen admin session cannot strip its own second
/// factor; the last admin uses the command line (<see cref="Actor.Operator"/>).
/// </summary>
public sealed class TwoFactorAdministration(IUserRepository users, ITwoFactorRepository store, IAuditLog audit, TimeProvider time)
{
    public async Task<Result<bool>> IsEnabledAsync(Actor actor, Guid userId, CancellationToken ct = default)
    {
        if (!actor.IsAdmin || actor.ProjectRestriction is not null)
        {
            return Error.Forbidden("Only administrators can see other users' two-factor sign-in.");
        }

        return (await store.GetAsync(userId, ct))?.IsEnabled == true;
    }

    public async Task<Result> ResetAsync(Actor actor, Guid userId, CancellationToken ct = default)
    {
        if (!actor.IsAdmin || actor.ProjectRestriction is not null)
        {
            return Error.Forbidden("Only administrators can reset two-factor sign-in.");
        }

        if (actor.AccountId == userId)
        {
            return Error.Forbidden("You cannot reset your own two-factor sign-in here. Turn it off on your profile, or ask another administrator.");
        }

        var user = await users.GetByIdAsync(userId, ct);
        if (user is null)
        {
            return Error.NotFound("No such user.");
        }

        if (!await store.DeleteAsync(userId, ct))
        {
            return Error.Conflict($"'{user.Login}' has no two-factor sign-in to reset.");
        }

        await audit.RecordAsync(time, actor, AuditActions.TwoFactorReset, $"user:{user.Login}", actor == Actor.Operator ? "by the operator (command line)" : null, ct);
        return Result.Success;
    }
}
