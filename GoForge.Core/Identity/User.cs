namespace GoForge.Core.Identity;

public enum UserRole
{
    Member,
    Admin,
}

public enum ThemePreference
{
    System,
    Light,
    Dark,
}

/// <summary>A person who signs in to the panel. <see cref="PasswordHash"/> is null for accounts that only sign in through GitHub.</summary>
public sealed record User
{
    public required Guid Id { get; init; }

    /// <summary>Lower-case login name, unique.</summary>
    public required string Login { get; init; }

    public required string DisplayName { get; init; }

    public string? PasswordHash { get; init; }

    public required UserRole Role { get; init; }

    public long? GitHubId { get; init; }

    public bool IsDisabled { get; init; }

    public ThemePreference Theme { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>A new account from input that passed <see cref="UserInputRules.ValidateNewAccount"/>.</summary>
    public static User CreateNew(string login, string displayName, string passwordHash, UserRole role, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Login = UserInputRules.NormalizeLogin(login),
        DisplayName = UserInputRules.NormalizeDisplayName(displayName),
        PasswordHash = passwordHash,
        Role = role,
        CreatedAt = now,
        UpdatedAt = now,
    };
}

/// <summary>The signed-in user on whose behalf a Core service acts; every authorization decision starts from it.</summary>
public sealed record Actor(Guid UserId, string Login, UserRole Role)
{
    /// <summary>
    /// The operator at GoForge's command line. Whoever can run it with the database connection string and the secrets
    /// key already holds everything, so it acts as an administrator; no account stands behind it (<see cref="AccountId"/> is null).
    /// </summary>
    public static Actor Operator { get; } = new(Guid.Empty, "operator", UserRole.Admin);

    public bool IsAdmin => Role == UserRole.Admin;

    /// <summary>The sign-in session this actor acts through (a browser); null for API tokens and the command line.</summary>
    public Guid? SessionId { get; init; }

    /// <summary>
    /// The one project this actor may reach, when it acts through a project-restricted API token; null for no
    /// restriction. <c>ProjectAccess</c> answers every other project as not found.
    /// </summary>
    public Guid? ProjectRestriction { get; init; }

    /// <summary>The API token this actor acts through; null in a browser and at the command line. Recorded on its audit events.</summary>
    public Guid? TokenId { get; init; }

    /// <summary>The address the actor's request or browser connection came from, when known. Recorded on its audit events.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>Whether the project restriction (if any) lets this actor reach <paramref name="projectId"/>.</summary>
    public bool MayReach(Guid projectId) => ProjectRestriction is not { } only || only == projectId;

    /// <summary>The account to record as the one who acted (audit, requested by); null for the <see cref="Operator"/>.</summary>
    public Guid? AccountId => UserId == Guid.Empty ? null : UserId;

    public static Actor From(User user) => new(user.Id, user.Login, user.Role);
}
