namespace GoForge.Core.Identity.TwoFactor;

public enum CodeCheck
{
    Passed,
    PassedWithRecoveryCode,
    Wrong,

    /// <summary>A right code whose time step was already used (or an older one): refused.</summary>
    Replayed,
    NotEnrolled,
    TooManyAttempts,
}

/// <summary>
/// Checks a typed code for a user with two-factor on. Every check takes one attempt from the same per-account limit as
/// passwords (<see cref="LoginThrottle"/>), so wrong codes and wrong passwords share one budget.
/// </summary>
public sealed class TwoFactorVerifier(ITwoFactorRepository store, ITotp totp, LoginThrottle throttle, TimeProvider time)
{
    public async Task<CodeCheck> CheckAsync(User user, string? code, bool allowRecoveryCode, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!throttle.TryAcquire(user.Login))
        {
            return CodeCheck.TooManyAttempts;
        }

        var secret = await store.GetAsync(user.Id, ct);
        if (secret is not { IsEnabled: true })
        {
            return CodeCheck.NotEnrolled;
        }

        return await CheckAgainstAsync(user, secret, code, allowRecoveryCode, ct);
    }

    /// <summary>Checks a code for a secret not yet confirmed (the enrolment's typed code).</summary>
    public Task<CodeCheck> CheckUnconfirmedAsync(User user, TwoFactorSecret secret, string? code, CancellationToken ct = default) =>
        throttle.TryAcquire(user.Login) ? CheckAgainstAsync(user, secret, code, allowRecoveryCode: false, ct) : Task.FromResult(CodeCheck.TooManyAttempts);

    private async Task<CodeCheck> CheckAgainstAsync(User user, TwoFactorSecret secret, string? code, bool allowRecoveryCode, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > TwoFactorCodes.MaxInputLength)
        {
            return CodeCheck.Wrong;
        }

        if (TwoFactorCodes.LooksLikeTotp(code, out var digits))
        {
            var step = totp.MatchStep(secret.Secret, digits, time.GetUtcNow());
            if (step is null)
            {
                return CodeCheck.Wrong;
            }

            if (!secret.IsEnabled)
            {
                return secret.LastUsedStep is { } last && step <= last ? CodeCheck.Replayed : CodeCheck.Passed;
            }

            return await store.TryUseStepAsync(user.Id, step.Value, ct) ? CodeCheck.Passed : CodeCheck.Replayed;
        }

        if (allowRecoveryCode && secret.IsEnabled
            && await store.TryUseRecoveryCodeAsync(user.Id, TwoFactorCodes.HashRecoveryCode(user.Id, code), time.GetUtcNow(), ct))
        {
            return CodeCheck.PassedWithRecoveryCode;
        }

        return CodeCheck.Wrong;
    }

    /// <summary>The step a code for an unconfirmed secret matches (to record at confirmation).</summary>
    internal long? StepOf(TwoFactorSecret secret, string code) =>
        TwoFactorCodes.LooksLikeTotp(code, out var digits) ? totp.MatchStep(secret.Secret, digits, time.GetUtcNow()) : null;

    public static string Describe(CodeCheck check) => check switch
    {
        CodeCheck.Passed => "code",
        CodeCheck.PassedWithRecoveryCode => "recovery code",
        CodeCheck.Wrong => "wrong code",
        CodeCheck.Replayed => "code already used",
        CodeCheck.NotEnrolled => "two-factor is off",
        CodeCheck.TooManyAttempts => "too many attempts",
        _ => "unknown",
    };
}
