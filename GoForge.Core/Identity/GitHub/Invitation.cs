namespace GoForge.Core.Identity.GitHub;

public enum InvitationStatus
{
    Pending,
    Used,
    Revoked,
    Expired,
}

/// <summary>
/// A one-time link (<c>/invite/{token}</c>) that lets one person without an account in by signing in with GitHub. Only
/// the SHA-256 of the token is stored; the token itself is shown to the administrator once.
/// </summary>
public sealed record Invitation
{
    public required Guid Id { get; init; }

    public required byte[] TokenHash { get; init; }

    /// <summary>The role of the account the invitation creates.</summary>
    public required UserRole Role { get; init; }

    /// <summary>The administrator's note (whom it is for); shown in the list only.</summary>
    public string? Note { get; init; }

    public Guid? CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; init; }

    public Guid? UsedBy { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public InvitationStatus StatusAt(DateTimeOffset now) =>
        UsedAt is not null ? InvitationStatus.Used
        : RevokedAt is not null ? InvitationStatus.Revoked
        : ExpiresAt <= now ? InvitationStatus.Expired
        : InvitationStatus.Pending;
}

/// <summary>A pending invitation as the person who opens the link sees it.</summary>
public sealed record InvitationPreview(UserRole Role, DateTimeOffset ExpiresAt);

/// <summary>A new invitation and its token, which exists nowhere else: show it once.</summary>
public sealed record CreatedInvitation(Invitation Invitation, string Token);
