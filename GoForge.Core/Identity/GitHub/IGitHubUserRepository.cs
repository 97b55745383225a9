namespace GoForge.Core.Identity.GitHub;

public enum GitHubAccountWrite
{
    Done,

    /// <summary>The GoForge login is taken (a new account only); try the next candidate.</summary>
    LoginTaken,

    /// <summary>Another account is linked to this GitHub id.</summary>
    GitHubIdTaken,

    /// <summary>The invitation was used, revoked or expired meanwhile; nothing was written.</summary>
    InvitationGone,

    /// <summary>The account does not exist (linking only).</summary>
    UserNotFound,
}

/// <summary>The GitHub side of <c>users</c>: lookup by GitHub's numeric id, creating linked accounts, linking and unlinking.</summary>
public interface IGitHubUserRepository
{
    Task<User?> GetByGitHubIdAsync(long gitHubId, CancellationToken ct = default);

    /// <summary>The GitHub login last seen for the user, when linked.</summary>
    Task<string?> GetGitHubLoginAsync(Guid userId, CancellationToken ct = default);

    /// <summary>
    /// Inserts <paramref name="user"/> (its <see cref="User.GitHubId"/> set) with its GitHub login; with
    /// <paramref name="invitationId"/>, also spends that invitation, in the same transaction: both happen or neither.
    /// </summary>
    Task<GitHubAccountWrite> CreateLinkedAsync(User user, string gitHubLogin, Guid? invitationId, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Links an existing account; <see cref="GitHubAccountWrite.GitHubIdTaken"/> when someone else has that id.</summary>
    Task<GitHubAccountWrite> LinkAsync(Guid userId, long gitHubId, string gitHubLogin, DateTimeOffset now, CancellationToken ct = default);

    Task<bool> UnlinkAsync(Guid userId, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Keeps the shown GitHub login current (GitHub logins can be renamed; the id stays).</summary>
    Task UpdateGitHubLoginAsync(Guid userId, string gitHubLogin, CancellationToken ct = default);
}
