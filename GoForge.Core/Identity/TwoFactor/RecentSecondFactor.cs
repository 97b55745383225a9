using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.TwoFactor;

/// <summary>
/// Sensitive actions in a browser session (creating an API token) need a second factor passed in the last
/// <see cref="Window"/> when the user has two-factor on. The session records when it last passed one (sign-in or
/// <see cref="ReverifyAsync"/>). API tokens and the command line are their own credentials and are not asked.
/// </summary>
public sealed class RecentSecondFactor(IUserRepository users, ITwoFactorRepository store, TwoFactorVerifier verifier, IAuditLog audit, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public const string NeededMessage = "Confirm it is you: type a code from your authenticator app first (needed within 15 minutes before this).";

    public async Task<Result> CheckAsync(Actor actor, CancellationToken ct = default)
    {
        if (actor.SessionId is not { } sessionId || (await store.GetAsync(actor.UserId, ct))?.IsEnabled != true)
        {
            return Result.Success;
        }

        var passed = await store.GetSessionSecondFactorAsync(sessionId, ct);
        return passed is { } at && time.GetUtcNow() - at <= Window ? Result.Success : Error.Forbidden(NeededMessage);
    }

    /// <summary>Passes the second factor again in this session, with a current code.</summary>
    public async Task<Result> ReverifyAsync(Actor actor, string? code, CancellationToken ct = default)
    {
        if (actor.SessionId is not { } sessionId || await users.GetByIdAsync(actor.UserId, ct) is not { IsDisabled: false } user)
        {
            return Error.Forbidden("Only a signed-in browser session can confirm a second factor.");
        }

        var check = await verifier.CheckAsync(user, code, allowRecoveryCode: false, ct);
        if (TwoFactorService.Refusal(check) is { } refused)
        {
            await audit.RecordAsync(time, actor, AuditActions.TwoFactorFailed, $"user:{user.Login}", $"re-verification: {TwoFactorVerifier.Describe(check)}", ct);
            return refused;
        }

        await store.MarkSessionSecondFactorAsync(sessionId, time.GetUtcNow(), ct);
        await audit.RecordAsync(time, actor, AuditActions.TwoFactorPassed, $"user:{user.Login}", "re-verification", ct);
        return Result.Success;
    }
}
