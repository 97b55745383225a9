namespace GoForge.Core.Identity;

public interface IUserSessionRepository
{
    Task CreateAsync(UserSession session, CancellationToken ct = default);

    Task<UserSession?> GetAsync(Guid id, CancellationToken ct = default);

    /// <summary>Records activity and moves the expiry (the caller caps it at the absolute lifetime).</summary>
    Task TouchAsync(Guid id, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct = default);

    Task RevokeAsync(Guid id, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Revokes every active session of the user except <paramref name="keep"/>; returns how many.</summary>
    Task<int> RevokeAllForUserAsync(Guid userId, DateTimeOffset now, Guid? keep = null, CancellationToken ct = default);
}
