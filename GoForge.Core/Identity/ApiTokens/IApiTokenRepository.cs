namespace GoForge.Core.Identity.ApiTokens;

public interface IApiTokenRepository
{
    Task CreateAsync(ApiToken token, byte[] tokenHash, CancellationToken ct = default);

    Task<ApiToken?> GetAsync(Guid id, CancellationToken ct = default);

    /// <summary>The token whose stored hash is <paramref name="tokenHash"/>, revoked or expired ones included.</summary>
    Task<ApiToken?> FindByHashAsync(byte[] tokenHash, CancellationToken ct = default);

    /// <summary>The user's tokens, newest first, revoked ones included.</summary>
    Task<IReadOnlyList<ApiTokenListItem>> ListByUserAsync(Guid userId, CancellationToken ct = default);

    Task<int> CountActiveByUserAsync(Guid userId, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Marks the token revoked; false when it does not exist or was already revoked.</summary>
    Task<bool> RevokeAsync(Guid id, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Records a use unless one was recorded after <paramref name="notAfter"/>.</summary>
    Task TouchAsync(Guid id, DateTimeOffset now, DateTimeOffset notAfter, CancellationToken ct = default);
}
