using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity;

public sealed record NewUserInput(string? Login, string? DisplayName, string? Password, UserRole Role);

/// <summary>What administrators do to other accounts. Every method checks the actor is an admin.</summary>
public sealed class UserAdministration(
    IUserRepository users,
    IUserSessionRepository sessions,
    IPasswordHasher hasher,
    IAuditLog audit,
    TimeProvider time)
{
    private static readonly Error NotAdmin = Error.Forbidden("Only administrators manage users.");
    private static readonly Error NoSuchUser = Error.NotFound("No such user.");

    public async Task<Result<IReadOnlyList<User>>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        return Result<IReadOnlyList<User>>.Ok(await users.ListAsync(ct));
    }

    public async Task<Result<User>> GetAsync(Actor actor, Guid userId, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var user = await users.GetByIdAsync(userId, ct);
        return user is null ? NoSuchUser : user;
    }

    /// <summary>The user with this login (compared as logins are: trimmed, case-insensitively).</summary>
    public async Task<Result<User>> FindByLoginAsync(Actor actor, string? login, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var normalized = UserInputRules.NormalizeLogin(login);
        var user = normalized.Length == 0 ? null : await users.GetByLoginAsync(normalized, ct);
        return user is null ? NoSuchUser : user;
    }

    public async Task<Result<User>> CreateAsync(Actor actor, NewUserInput input, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var errors = UserInputRules.ValidateNewAccount(input.Login, input.DisplayName, input.Password);
        if (!Enum.IsDefined(input.Role))
        {
            errors.Add(nameof(NewUserInput.Role), "Choose a role.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var user = User.CreateNew(input.Login!, input.DisplayName!, hasher.Hash(input.Password!), input.Role, time.GetUtcNow());
        if (!await users.TryCreateAsync(user, ct))
        {
            return Error.Validation(nameof(NewUserInput.Login), $"The login '{user.Login}' is taken.");
        }

        await RecordAsync(actor, AuditActions.UserCreated, user, $"role {user.Role}", ct);
        return user;
    }

    public async Task<Result> ChangeRoleAsync(Actor actor, Guid userId, UserRole role, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        if (!Enum.IsDefined(role))
        {
            return Error.Validation("Role", "Choose a role.");
        }

        var user = await users.GetByIdAsync(userId, ct);
        if (user is null)
        {
            return NoSuchUser;
        }

        if (user.Role == role)
        {
            return Result.Success;
        }

        if (user.Role == UserRole.Admin && !user.IsDisabled && await users.CountActiveAdminsAsync(ct) <= 1)
        {
            return Error.Conflict("This is the last administrator; make someone else an administrator first.");
        }

        await users.UpdateRoleAsync(userId, role, time.GetUtcNow(), ct);
        await RecordAsync(actor, AuditActions.RoleChanged, user, $"{user.Role} -> {role}", ct);
        return Result.Success;
    }

    /// <summary>Sets a new password, revokes every API token of that user (in the same transaction) and ends every session.</summary>
    public async Task<Result> ResetPasswordAsync(Actor actor, Guid userId, string? newPassword, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var errors = new FieldErrors();
        UserInputRules.ValidateNewPassword(newPassword, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var user = await users.GetByIdAsync(userId, ct);
        if (user is null)
        {
            return NoSuchUser;
        }

        var now = time.GetUtcNow();
        if (await users.SetPasswordAsync(userId, hasher.Hash(newPassword!), now, ct) is not { } revoked)
        {
            return NoSuchUser;
        }

        await sessions.RevokeAllForUserAsync(userId, now, keep: null, ct);
        await RecordAsync(actor, AuditActions.PasswordReset, user, null, ct);
        await audit.RecordTokensRevokedAsync(now, actor.AccountId, user, revoked, "password reset by an administrator", ct);
        return Result.Success;
    }

    /// <summary>Disables (ending every session at once) or enables an account.</summary>
    public async Task<Result> SetDisabledAsync(Actor actor, Guid userId, bool disabled, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var user = await users.GetByIdAsync(userId, ct);
        if (user is null)
        {
            return NoSuchUser;
        }

        if (disabled && user.Id == actor.UserId)
        {
            return Error.Conflict("You cannot disable your own account.");
        }

        if (disabled && user.Role == UserRole.Admin && !user.IsDisabled && await users.CountActiveAdminsAsync(ct) <= 1)
        {
            return Error.Conflict("This is the last administrator and cannot be disabled.");
        }

        var now = time.GetUtcNow();
        await users.SetDisabledAsync(userId, disabled, now, ct);
        if (disabled)
        {
            await sessions.RevokeAllForUserAsync(userId, now, keep: null, ct);
        }

        await RecordAsync(actor, disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, user, null, ct);
        return Result.Success;
    }

    private Task RecordAsync(Actor actor, string action, User target, string? detail, CancellationToken ct) =>
        audit.RecordAsync(time, actor, action, $"user:{target.Login}", detail, ct);
}
