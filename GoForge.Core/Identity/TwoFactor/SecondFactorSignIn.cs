using System.Security.Cryptography;
using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.TwoFactor;

/// <summary>
/// The step between a correct first factor (password or GitHub) and a session. When the user has two-factor on, or
/// must enrol, no session is opened: a pending sign-in (a random token, five minutes, single use, stored as its
/// SHA-256) waits for a code or for the enrolment, and only then <see cref="SessionOpener"/> runs.
/// </summary>
public sealed class SecondFactorSignIn(
    IUserRepository users,
    ITwoFactorRepository store,
    IPendingSignInRepository pendings,
    TwoFactorPolicyService policies,
    TwoFactorVerifier verifier,
    TwoFactorService enrolment,
    SessionOpener sessionOpener,
    IAuditLog audit,
    TimeProvider time)
{
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(5);

    public const string ExpiredMessage = "This sign-in expired or was already used. Sign in again.";

    /// <summary>After a correct first factor: a session, or a pending sign-in when a second factor or an enrolment is due.</summary>
    public async Task<SignInOutcome> ContinueAsync(User user, string? clientAddress, string? userAgent, string? how, bool viaGitHub, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var policy = await policies.GetAsync(ct);
        var enabled = (await store.GetAsync(user.Id, ct))?.IsEnabled == true;
        PendingPurpose? purpose = viaGitHub && !policy.RequireAfterGitHub ? null
            : enabled ? PendingPurpose.Verify
            : policy.Requires(user) ? PendingPurpose.Enrol
            : null;
        if (purpose is null)
        {
            return new SignInOutcome(new SignedIn(user, await sessionOpener.OpenAsync(user, clientAddress, userAgent, how, ct)), null);
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        await pendings.CreateAsync(new PendingSignIn
        {
            UserId = user.Id,
            Purpose = purpose.Value,
            How = how,
            ClientAddress = SignInService.Truncate(clientAddress, 64),
            UserAgent = SignInService.Truncate(userAgent, 256),
            CreatedAt = now,
            ExpiresAt = now + PendingLifetime,
        }, Hash(token), ct);
        return new SignInOutcome(null, new PendingSignInTicket(token, purpose.Value));
    }

    /// <summary>What a pending sign-in waits for, or an error when it is unknown, used or expired.</summary>
    public async Task<Result<PendingPurpose>> GetPurposeAsync(string? token, CancellationToken ct = default)
    {
        var found = await FindAsync(token, ct);
        return found.IsSuccess ? found.Value.Pending.Purpose : found.Error!;
    }

    /// <summary>Completes a pending sign-in with a TOTP code or a recovery code: the session is opened only now.</summary>
    public async Task<Result<SignedIn>> VerifyAsync(string? token, string? code, CancellationToken ct = default)
    {
        var found = await FindAsync(token, ct);
        if (!found.IsSuccess || found.Value.Pending.Purpose != PendingPurpose.Verify)
        {
            return Error.Unauthorized(ExpiredMessage);
        }

        var (pending, user) = found.Value;
        var check = await verifier.CheckAsync(user, code, allowRecoveryCode: true, ct);
        if (TwoFactorService.Refusal(check) is { } refused)
        {
            await RecordAsync(AuditActions.TwoFactorFailed, user, pending, TwoFactorVerifier.Describe(check), ct);
            return refused.Kind == ErrorKind.Validation ? Error.Unauthorized(refused.FieldErrors.Values.First()[0]) : refused;
        }

        if (!await pendings.TryCompleteAsync(Hash(token!), time.GetUtcNow(), ct))
        {
            return Error.Unauthorized(ExpiredMessage);
        }

        await RecordAsync(check == CodeCheck.PassedWithRecoveryCode ? AuditActions.TwoFactorRecoveryCodeUsed : AuditActions.TwoFactorPassed,
            user, pending, check == CodeCheck.PassedWithRecoveryCode ? $"{await store.CountUnusedRecoveryCodesAsync(user.Id, ct)} recovery codes left" : null, ct);
        return await OpenAsync(user, pending, ct);
    }

    /// <summary>The enrolment step of a sign-in that must enrol: the secret to show (the same one on a reload).</summary>
    public async Task<Result<TwoFactorEnrolmentStart>> BeginEnrolmentAsync(string? token, CancellationToken ct = default)
    {
        var found = await FindAsync(token, ct);
        if (!found.IsSuccess || found.Value.Pending.Purpose != PendingPurpose.Enrol)
        {
            return Error.Unauthorized(ExpiredMessage);
        }

        return await enrolment.BeginForAsync(found.Value.User, reuseSince: found.Value.Pending.CreatedAt, ct);
    }

    /// <summary>Confirms the enrolment with a code and opens the session; the recovery codes are returned once.</summary>
    public async Task<Result<(SignedIn SignedIn, IReadOnlyList<string> RecoveryCodes)>> CompleteEnrolmentAsync(string? token, string? code, CancellationToken ct = default)
    {
        var found = await FindAsync(token, ct);
        if (!found.IsSuccess || found.Value.Pending.Purpose != PendingPurpose.Enrol)
        {
            return Error.Unauthorized(ExpiredMessage);
        }

        var (pending, user) = found.Value;
        var confirmed = await enrolment.ConfirmForAsync(user, code, sessionId: null, ct);
        if (!confirmed.IsSuccess)
        {
            await RecordAsync(AuditActions.TwoFactorFailed, user, pending, $"enrolment: {confirmed.Error!.Message}", ct);
            return confirmed.Error!;
        }

        if (!await pendings.TryCompleteAsync(Hash(token!), time.GetUtcNow(), ct))
        {
            return Error.Unauthorized(ExpiredMessage);
        }

        return (await OpenAsync(user, pending, ct), confirmed.Value!);
    }

    private async Task<SignedIn> OpenAsync(User user, PendingSignIn pending, CancellationToken ct)
    {
        var how = pending.How is null ? "password and second factor" : $"{pending.How}, and second factor";
        var session = await sessionOpener.OpenAsync(user, pending.ClientAddress, pending.UserAgent, how, ct);
        await store.MarkSessionSecondFactorAsync(session.Id, time.GetUtcNow(), ct);
        return new SignedIn(user, session);
    }

    private async Task<Result<(PendingSignIn Pending, User User)>> FindAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return Error.Unauthorized(ExpiredMessage);
        }

        var pending = await pendings.GetAsync(Hash(token), ct);
        if (pending is null || pending.UsedAt is not null || pending.ExpiresAt <= time.GetUtcNow())
        {
            return Error.Unauthorized(ExpiredMessage);
        }

        var user = await users.GetByIdAsync(pending.UserId, ct);
        return user is null || user.IsDisabled ? Error.Unauthorized(ExpiredMessage) : (pending, user);
    }

    private Task RecordAsync(string action, User user, PendingSignIn pending, string? detail, CancellationToken ct) =>
        audit.RecordAsync(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            ActorUserId = user.Id,
            Action = action,
            Target = $"user:{user.Login}",
            ClientAddress = pending.ClientAddress,
            Detail = SignInService.Truncate(detail, 300),
        }, ct);

    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}
