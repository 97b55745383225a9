using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.TwoFactor;

/// <summary>
/// A user's own two-factor sign-in: enrol (a new secret, confirmed with a typed code before it counts), recovery codes
/// (shown once, stored hashed), and turning it off (a current code or a recovery code, plus the password).
/// </summary>
public sealed class TwoFactorService(
    IUserRepository users,
    ITwoFactorRepository store,
    ITotp totp,
    TwoFactorVerifier verifier,
    TwoFactorPolicyService policies,
    IPasswordHasher hasher,
    IAuditLog audit,
    TimeProvider time)
{
    public const string Issuer = "GoForge";
    public const string WrongCodeMessage = "That code is not right. Type the current code from your authenticator app.";
    public const string ReplayedCodeMessage = "That code was already used. Wait for the next code, then type it.";
    public const string TooManyAttemptsMessage = SignInService.TooManyAttemptsMessage;

    public async Task<Result<TwoFactorStatus>> GetStatusAsync(Actor actor, CancellationToken ct = default)
    {
        var user = await OwnAccountAsync(actor, ct);
        if (user is null)
        {
            return Error.NotFound("No such user.");
        }

        var secret = await store.GetAsync(user.Id, ct);
        var enabled = secret?.IsEnabled == true;
        var left = enabled ? await store.CountUnusedRecoveryCodesAsync(user.Id, ct) : 0;
        return new TwoFactorStatus(enabled, left, (await policies.GetAsync(ct)).Requires(user));
    }

    /// <summary>A new secret to show; it counts only once <see cref="ConfirmAsync"/> got a right code for it.</summary>
    public async Task<Result<TwoFactorEnrolmentStart>> BeginAsync(Actor actor, CancellationToken ct = default)
    {
        var user = await OwnAccountAsync(actor, ct);
        return user is null ? Error.NotFound("No such user.") : await BeginForAsync(user, reuseSince: null, ct);
    }

    /// <summary>Turns two-factor on with a code for the begun secret; the recovery codes, shown this once.</summary>
    public async Task<Result<IReadOnlyList<string>>> ConfirmAsync(Actor actor, string? code, CancellationToken ct = default)
    {
        var user = await OwnAccountAsync(actor, ct);
        return user is null ? Error.NotFound("No such user.") : await ConfirmForAsync(user, code, actor.SessionId, ct);
    }

    /// <summary>New recovery codes (the old ones stop working); needs a current code.</summary>
    public async Task<Result<IReadOnlyList<string>>> RegenerateRecoveryCodesAsync(Actor actor, string? code, CancellationToken ct = default)
    {
        var user = await OwnAccountAsync(actor, ct);
        if (user is null)
        {
            return Error.NotFound("No such user.");
        }

        var check = await verifier.CheckAsync(user, code, allowRecoveryCode: false, ct);
        if (Refusal(check) is { } refused)
        {
            return refused;
        }

        var codes = TwoFactorCodes.NewRecoveryCodes();
        await store.ReplaceRecoveryCodesAsync(user.Id, [.. codes.Select(c => TwoFactorCodes.HashRecoveryCode(user.Id, c))], time.GetUtcNow(), ct);
        await audit.RecordAsync(time, actor, AuditActions.TwoFactorRecoveryCodesRegenerated, $"user:{user.Login}", null, ct);
        return Result<IReadOnlyList<string>>.Ok(codes);
    }

    /// <summary>Turns two-factor off: the password and a current code or an unused recovery code.</summary>
    public async Task<Result> DisableAsync(Actor actor, string? password, string? code, CancellationToken ct = default)
    {
        var user = await OwnAccountAsync(actor, ct);
        if (user is null)
        {
            return Error.NotFound("No such user.");
        }

        if ((await policies.GetAsync(ct)).Requires(user))
        {
            return Error.Forbidden("An administrator requires two-factor sign-in for your account, so it cannot be turned off.");
        }

        if (user.PasswordHash is null || string.IsNullOrEmpty(password) || password.Length > SignInService.MaxPasswordInput
            || hasher.Verify(user.PasswordHash, password) == PasswordVerification.Failed)
        {
            await audit.RecordAsync(time, actor, AuditActions.TwoFactorFailed, $"user:{user.Login}", "turning off: wrong password", ct);
            return Error.Validation("Password", user.PasswordHash is null
                ? "Your account has no password; ask an administrator to reset your two-factor sign-in."
                : "Wrong password.");
        }

        var check = await verifier.CheckAsync(user, code, allowRecoveryCode: true, ct);
        if (Refusal(check) is { } refused)
        {
            await audit.RecordAsync(time, actor, AuditActions.TwoFactorFailed, $"user:{user.Login}", $"turning off: {TwoFactorVerifier.Describe(check)}", ct);
            return refused;
        }

        await store.DeleteAsync(user.Id, ct);
        await audit.RecordAsync(time, actor, AuditActions.TwoFactorDisabled, $"user:{user.Login}", $"with a {TwoFactorVerifier.Describe(check)}", ct);
        return Result.Success;
    }

    internal async Task<Result<TwoFactorEnrolmentStart>> BeginForAsync(User user, DateTimeOffset? reuseSince, CancellationToken ct)
    {
        var existing = await store.GetAsync(user.Id, ct);
        if (existing?.IsEnabled == true)
        {
            return Error.Conflict("Two-factor sign-in is already on. Turn it off first to set up another authenticator.");
        }

        // A reload of the sign-in's enrolment step shows the same secret, so an app already scanned keeps working.
        if (existing is not null && reuseSince is { } since && existing.CreatedAt >= since)
        {
            return new TwoFactorEnrolmentStart(existing.Secret, TwoFactorCodes.ProvisioningUri(Issuer, user.Login, existing.Secret));
        }

        var secret = totp.NewSecret();
        if (!await store.BeginAsync(user.Id, secret, time.GetUtcNow(), ct))
        {
            return Error.Conflict("Two-factor sign-in is already on.");
        }

        return new TwoFactorEnrolmentStart(secret, TwoFactorCodes.ProvisioningUri(Issuer, user.Login, secret));
    }

    internal async Task<Result<IReadOnlyList<string>>> ConfirmForAsync(User user, string? code, Guid? sessionId, CancellationToken ct)
    {
        var secret = await store.GetAsync(user.Id, ct);
        if (secret is null || secret.IsEnabled)
        {
            return Error.Conflict(secret is null ? "Start the set-up again: no authenticator is waiting for a code." : "Two-factor sign-in is already on.");
        }

        var check = await verifier.CheckUnconfirmedAsync(user, secret, code, ct);
        if (Refusal(check) is { } refused)
        {
            return refused;
        }

        var codes = TwoFactorCodes.NewRecoveryCodes();
        var now = time.GetUtcNow();
        var step = verifier.StepOf(secret, code!)!.Value;
        if (!await store.ConfirmAsync(user.Id, step, [.. codes.Select(c => TwoFactorCodes.HashRecoveryCode(user.Id, c))], now, ct))
        {
            return Error.Conflict("Two-factor sign-in changed meanwhile. Start the set-up again.");
        }

        if (sessionId is { } session)
        {
            await store.MarkSessionSecondFactorAsync(session, now, ct);
        }

        await audit.RecordAsync(time, Actor.From(user), AuditActions.TwoFactorEnrolled, $"user:{user.Login}", null, ct);
        return Result<IReadOnlyList<string>>.Ok(codes);
    }

    internal static Error? Refusal(CodeCheck check) => check switch
    {
        CodeCheck.Passed or CodeCheck.PassedWithRecoveryCode => null,
        CodeCheck.TooManyAttempts => Error.TooManyRequests(TooManyAttemptsMessage),
        CodeCheck.Replayed => Error.Validation("Code", ReplayedCodeMessage),
        CodeCheck.NotEnrolled => Error.Conflict("Two-factor sign-in is off for this account."),
        _ => Error.Validation("Code", WrongCodeMessage),
    };

    private async Task<User?> OwnAccountAsync(Actor actor, CancellationToken ct)
    {
        if (actor.AccountId is not { } id || actor.ProjectRestriction is not null)
        {
            return null;
        }

        var user = await users.GetByIdAsync(id, ct);
        return user is { IsDisabled: false } ? user : null;
    }
}
