namespace GoForge.Core.Identity.ApiTokens;

/// <summary>
/// A personal API token. Only its SHA-256 hash is stored (docs/decisions/api-tokens.md); the token itself is shown
/// once, when created.
/// </summary>
public sealed record ApiToken
{
    public required Guid Id { get; init; }

    public required Guid UserId { get; init; }

    public required string Name { get; init; }

    public required ApiScope Scopes { get; init; }

    /// <summary>The only project the token reaches; null for every project its user may see.</summary>
    public Guid? ProjectId { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the token last authenticated a request, to the minute (see <see cref="ApiTokenService.TouchInterval"/>).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsRevoked => RevokedAt is not null;

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } end && end <= now;

    public bool IsActiveAt(DateTimeOffset now) => !IsRevoked && !IsExpiredAt(now);

    public bool Has(ApiScope scope) => Scopes.HasFlag(scope);
}

/// <summary>A token as the profile page lists it: with its project's name.</summary>
public sealed record ApiTokenListItem(ApiToken Token, string? ProjectName);

/// <summary>A token just made: <see cref="Secret"/> is the only time anyone sees the token itself.</summary>
public sealed record CreatedApiToken(ApiToken Token, string Secret);

/// <summary>What a user enters for a new token (the dialog binds to it directly).</summary>
public sealed record ApiTokenInput
{
    public string? Name { get; set; }

    public ApiScope Scopes { get; set; } = ApiScope.Read;

    /// <summary>The last moment the token works; null for no expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public Guid? ProjectId { get; set; }
}

/// <summary>Who a valid token speaks for: the token, and its user as they are now.</summary>
public sealed record ApiCaller(ApiToken Token, User User)
{
    /// <summary>
    /// The acting user for Core services. Administrator rights need the <see cref="ApiScope.Admin"/> scope and an
    /// unrestricted token; the project restriction rides along, so <c>ProjectAccess</c> hides every other project.
    /// </summary>
    public Actor ToActor()
    {
        var admin = User.Role == UserRole.Admin && Token.Has(ApiScope.Admin) && Token.ProjectId is null;
        return new Actor(User.Id, User.Login, admin ? UserRole.Admin : UserRole.Member) { ProjectRestriction = Token.ProjectId };
    }
}
