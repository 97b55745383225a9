namespace GoForge.Core.Identity.GitHub;

public interface IInvitationRepository
{
    Task CreateAsync(Invitation invitation, CancellationToken ct = default);

    Task<Invitation?> GetAsync(Guid id, CancellationToken ct = default);

    Task<Invitation?> GetByTokenHashAsync(byte[] tokenHash, CancellationToken ct = default);

    /// <summary>The newest first, at most <paramref name="count"/>.</summary>
    Task<IReadOnlyList<Invitation>> ListAsync(int count, CancellationToken ct = default);

    /// <summary>Revokes a pending invitation; false when it is not pending (used, revoked or unknown).</summary>
    Task<bool> RevokeAsync(Guid id, DateTimeOffset now, CancellationToken ct = default);
}
