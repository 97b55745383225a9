namespace GoForge.Core.Identity.TwoFactor;

/// <summary>A user's stored TOTP secret (plain text in memory only; encrypted at the repository boundary).</summary>
public sealed record TwoFactorSecret(Guid UserId, string Secret, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, long? LastUsedStep)
{
    /// <summary>Confirmed with a code: two-factor is on.</summary>
    public bool IsEnabled => ConfirmedAt is not null;

    // A record prints every property; the secret must never reach a log line.
    public override string ToString() => $"TwoFactorSecret {{ UserId = {UserId}, ConfirmedAt = {ConfirmedAt} }}";
}

/// <summary>What the profile shows: on or off, and how many recovery codes remain.</summary>
public sealed record TwoFactorStatus(bool Enabled, int RecoveryCodesLeft, bool Required);

/// <summary>An enrolment begun: the secret to show (as a QR code of <see cref="ProvisioningUri"/> and as text).</summary>
public sealed record TwoFactorEnrolmentStart(string Secret, string ProvisioningUri)
{
    public override string ToString() => "TwoFactorEnrolmentStart { (secret) }";
}

/// <summary>The installation's rule on who must use two-factor sign-in.</summary>
public sealed record TwoFactorPolicy(bool RequireForAdmins, bool RequireForEveryone, bool RequireAfterGitHub)
{
    public static TwoFactorPolicy Default { get; } = new(false, false, false);

    public bool Requires(User user) => RequireForEveryone || (RequireForAdmins && user.Role == UserRole.Admin);
}

public enum PendingPurpose
{
    /// <summary>Enrolled: the user must type a code (or a recovery code).</summary>
    Verify,

    /// <summary>Must enrol before any session: the user sets up an authenticator first.</summary>
    Enrol,
}

/// <summary>A sign-in that passed its first factor and waits for the second; no session exists yet.</summary>
public sealed record PendingSignIn
{
    public required Guid UserId { get; init; }

    public required PendingPurpose Purpose { get; init; }

    /// <summary>Audit detail of the first factor (null: a password).</summary>
    public string? How { get; init; }

    public string? ClientAddress { get; init; }

    public string? UserAgent { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; init; }
}

/// <summary>A started pending sign-in: <see cref="Token"/> goes to the browser (a cookie), only its hash is stored.</summary>
public sealed record PendingSignInTicket(string Token, PendingPurpose Purpose)
{
    public override string ToString() => $"PendingSignInTicket {{ Purpose = {Purpose} }}";
}

/// <summary>
/// What a correct first factor leads to: a session (<see cref="Session"/>) when no second factor is needed, or a
/// pending sign-in (<see cref="Pending"/>) that the second step completes.
/// </summary>
public sealed record SignInOutcome(SignedIn? Session, PendingSignInTicket? Pending);
