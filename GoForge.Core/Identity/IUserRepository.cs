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

    Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> SetDisabledAsync(Guid id, bool disabled, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> SetThemeAsync(Guid id, ThemePreference theme, DateTimeOffset now, CancellationToken ct = default);

    Task<int> CountActiveAdminsAsync(CancellationToken ct = default);
}
