namespace GoForge.Core.Identity;

public interface IUserRepository
{
    Task<User?> GetByIdAsync(Guid id, CancellationToken ct = default);

    /// <summary>Finds a user by login, compared case-insensitively.</summary>
    Task<User?> GetByLoginAsync(string login, CancellationToken ct = default);

    Task<IReadOnlyList<User>> ListAsync(CancellationToken ct = default);

    Task<bool> AnyAsync(CancellationToken ct = default);

    /// <summary>Inserts the user; false when the login is already taken.</summary>
    Task<bool> TryCreateAsync(User user, CancellationToken ct = default);

    /// <summary>Inserts the user only if the table is empty, atomically; false when any user already exists.</summary>
    Task<bool> TryCreateFirstAsync(User user, CancellationToken ct = default);

    Task<bool> UpdateRoleAsync(Guid id, UserRole role, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Replaces the stored hash of the same password (a rehash at sign-in); API tokens stay valid.</summary>
    Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Sets a new password and revokes every API token of the account, in one transaction: a token must never outlive
    /// the password it was made under. The number of tokens revoked; null when the user does not exist (nothing changed).
    /// </summary>
    Task<int?> SetPasswordAsync(Guid id, string passwordHash, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> SetDisabledAsync(Guid id, bool disabled, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> SetThemeAsync(Guid id, ThemePreference theme, DateTimeOffset now, CancellationToken ct = default);

    Task<int> CountActiveAdminsAsync(CancellationToken ct = default);
}
