namespace GoForge.Core.Identity;

/// <summary>
/// A server-side sign-in session. The cookie only names it; revoking the row (sign-out, password change,
/// disabling the user) makes a stolen cookie worthless at once.
/// </summary>
public sealed record UserSession
{
    public required Guid Id { get; init; }

    public required Guid UserId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset LastSeenAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? ClientAddress { get; init; }

    public string? UserAgent { get; init; }

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}
