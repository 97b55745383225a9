namespace GoForge.Core.Identity.TwoFactor;

/// <summary>TOTP secrets, recovery codes and the sessions' last second factor. Secrets are encrypted by the implementation.</summary>
public interface ITwoFactorRepository
{
    Task<TwoFactorSecret?> GetAsync(Guid userId, CancellationToken ct = default);

    /// <summary>Stores an unconfirmed secret, replacing an earlier unconfirmed one; false when two-factor is already on.</summary>
    Task<bool> BeginAsync(Guid userId, string secret, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Turns the unconfirmed secret on, records <paramref name="step"/> as used and stores the recovery codes, in one transaction.</summary>
    Task<bool> ConfirmAsync(Guid userId, long step, IReadOnlyList<byte[]> recoveryCodeHashes, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Records <paramref name="step"/> as used only if it is later than the last used one: false for a replayed code.</summary>
    Task<bool> TryUseStepAsync(Guid userId, long step, CancellationToken ct = default);

    /// <summary>Spends one unused recovery code; false when it is unknown or was used.</summary>
    Task<bool> TryUseRecoveryCodeAsync(Guid userId, byte[] codeHash, DateTimeOffset now, CancellationToken ct = default);

    Task ReplaceRecoveryCodesAsync(Guid userId, IReadOnlyList<byte[]> codeHashes, DateTimeOffset now, CancellationToken ct = default);

    Task<int> CountUnusedRecoveryCodesAsync(Guid userId, CancellationToken ct = default);

    /// <summary>Removes the secret and every recovery code; false when there was nothing.</summary>
    Task<bool> DeleteAsync(Guid userId, CancellationToken ct = default);

    Task MarkSessionSecondFactorAsync(Guid sessionId, DateTimeOffset now, CancellationToken ct = default);

    Task<DateTimeOffset?> GetSessionSecondFactorAsync(Guid sessionId, CancellationToken ct = default);
}

/// <summary>Pending sign-ins by the SHA-256 of their token.</summary>
public interface IPendingSignInRepository
{
    Task CreateAsync(PendingSignIn pending, byte[] tokenHash, CancellationToken ct = default);

    Task<PendingSignIn?> GetAsync(byte[] tokenHash, CancellationToken ct = default);

    /// <summary>Marks it used if it was not; false when another request completed it first (single use).</summary>
    Task<bool> TryCompleteAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken ct = default);

    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct = default);
}

public interface ITwoFactorPolicyRepository
{
    Task<TwoFactorPolicy?> GetAsync(CancellationToken ct = default);

    Task SaveAsync(TwoFactorPolicy policy, DateTimeOffset now, CancellationToken ct = default);
}
