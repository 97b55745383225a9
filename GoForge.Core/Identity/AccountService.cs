using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity;

/// <summary>What signed-in users do to their own account.</summary>
public sealed class AccountService(
    IUserRepository users,
    IUserSessionRepository sessions,
    IPasswordHasher hasher,
    IAuditLog audit,
    TimeProvider time)
{
    public async Task<Result<User>> GetProfileAsync(Actor actor, CancellationToken ct = default)
    {
        var user = await users.GetByIdAsync(actor.UserId, ct);
        return user is null ? Error.NotFound("Your account no longer exists.") : user;
    }

    public async Task<Result> SetThemeAsync(Actor actor, ThemePreference theme, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(theme))
        {
            return Error.Validation("Theme", "Choose light, dark or system.");
        }

        return await users.SetThemeAsync(actor.UserId, theme, time.GetUtcNow(), ct)
            ? Result.Success
            : Error.NotFound("Your account no longer exists.");
    }

    public async Task<Result> SetDisplayNameAsync(Actor actor, string? displayName, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        UserInputRules.ValidateDisplayName(displayName, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var now = time.GetUtcNow();
        var name = UserInputRules.NormalizeDisplayName(displayName);
        if (!await users.UpdateDisplayNameAsync(actor.UserId, name, now, ct))
        {
            return Error.NotFound("Your account no longer exists.");
        }

        await audit.RecordAsync(time, actor, AuditActions.DisplayNameChanged, $"user:{actor.Login}", ct: ct);
        return Result.Success;
    }

    /// <summary>
    /// Changes the actor's password, revokes all their API tokens (in the same transaction) and ends all their other
    /// sessions (the current one stays).
    /// </summary>
    public async Task<Result> ChangePasswordAsync(Actor actor, Guid currentSessionId, string? currentPassword, string? newPassword, CancellationToken ct = default)
    {
        var user = await users.GetByIdAsync(actor.UserId, ct);
        if (user is null)
        {
            return Error.NotFound("Your account no longer exists.");
        }

        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(currentPassword) || currentPassword.Length > SignInService.MaxPasswordInput
            || user.PasswordHash is null || hasher.Verify(user.PasswordHash, currentPassword) == PasswordVerification.Failed)
        {
            errors.Add("CurrentPassword", "The current password is wrong.");
        }

        UserInputRules.ValidateNewPassword(newPassword, errors, "NewPassword");
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var now = time.GetUtcNow();
        if (await users.SetPasswordAsync(user.Id, hasher.Hash(newPassword!), now, ct) is not { } revoked)
        {
            return Error.NotFound("Your account no longer exists.");
        }

        await sessions.RevokeAllForUserAsync(user.Id, now, keep: currentSessionId, ct);
        await audit.RecordAsync(new AuditEvent
        {
            OccurredAt = now,
            ActorUserId = user.Id,
            Action = AuditActions.PasswordChanged,
            Target = $"user:{user.Login}",
        }, ct);
        await audit.RecordTokensRevokedAsync(now, user.Id, user, revoked, "password changed", ct);
        return Result.Success;
    }
}
