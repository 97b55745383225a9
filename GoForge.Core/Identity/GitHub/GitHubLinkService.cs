using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.GitHub;

/// <summary>The GitHub account linked to a GoForge account, as its profile shows it.</summary>
public sealed record GitHubLink(long GitHubId, string? GitHubLogin);

/// <summary>What signed-in users do with their own GitHub link: see it, link a GitHub account, unlink it.</summary>
public sealed class GitHubLinkService(
    GitHubSettingsProvider settings,
    IUserRepository users,
    IGitHubUserRepository gitHubUsers,
    IAuditLog audit,
    TimeProvider time)
{
    public const string NoPasswordMessage =
        "Your account signs in only through GitHub, so unlinking would lock you out. Ask an administrator to set a password for your account first.";

    private static readonly Error NoAccount = Error.NotFound("Your account no longer exists.");

    /// <summary>The actor's link; a null value when the account is not linked.</summary>
    public async Task<Result<GitHubLink?>> GetAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await users.GetByIdAsync(actor.UserId, ct);
        if (user is null)
        {
            return NoAccount;
        }

        return user.GitHubId is { } id
            ? Result<GitHubLink?>.Ok(new GitHubLink(id, await gitHubUsers.GetGitHubLoginAsync(user.Id, ct)))
            : Result<GitHubLink?>.Ok(null);
    }

    /// <summary>Links the GitHub account the actor just signed in to at GitHub; refused when another account has it.</summary>
    public async Task<Result> LinkAsync(Actor actor, GitHubIdentity identity, string? clientAddress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(identity);
        if (!(await settings.GetAsync(ct)).IsActive)
        {
            return Error.Forbidden(GitHubSignInService.NotEnabledMessage);
        }

        var user = await users.GetByIdAsync(actor.UserId, ct);
        if (user is null)
        {
            return NoAccount;
        }

        var login = SignInService.Truncate(identity.Login, GitHubIdentity.LoginMaxLength)!;
        if (user.GitHubId == identity.Id)
        {
            await gitHubUsers.UpdateGitHubLoginAsync(user.Id, login, ct);
            return Result.Success;
        }

        if (user.GitHubId is not null)
        {
            var linkedLogin = await gitHubUsers.GetGitHubLoginAsync(user.Id, ct) ?? $"id {user.GitHubId}";
            await RecordAsync(actor, AuditActions.GitHubLinkRefused, identity, "already linked to another GitHub account", clientAddress, ct);
            return Error.Conflict($"Your account is already linked to the GitHub account {linkedLogin}. Unlink it first.");
        }

        var owner = await gitHubUsers.GetByGitHubIdAsync(identity.Id, ct);
        var write = owner is null ? await gitHubUsers.LinkAsync(user.Id, identity.Id, login, time.GetUtcNow(), ct) : GitHubAccountWrite.GitHubIdTaken;
        switch (write)
        {
            case GitHubAccountWrite.Done:
                await RecordAsync(actor, AuditActions.GitHubLinked, identity, null, clientAddress, ct);
                return Result.Success;
            case GitHubAccountWrite.GitHubIdTaken:
                await RecordAsync(actor, AuditActions.GitHubLinkRefused, identity, "linked to another GoForge account", clientAddress, ct);
                return Error.Conflict($"The GitHub account {identity.Describe()} is already linked to another GoForge account. Sign in with GitHub to use that account, or unlink it there first.");
            case GitHubAccountWrite.UserNotFound:
                return NoAccount;
            default:
                throw new InvalidOperationException($"Unexpected outcome {write} linking an account.");
        }
    }

    /// <summary>Unlinks the actor's GitHub account; refused for an account without a password, which would be locked out.</summary>
    public async Task<Result> UnlinkAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await users.GetByIdAsync(actor.UserId, ct);
        if (user is null)
        {
            return NoAccount;
        }

        if (user.GitHubId is not { } gitHubId)
        {
            return Result.Success;
        }

        if (user.PasswordHash is null)
        {
            return Error.Conflict(NoPasswordMessage);
        }

        var login = await gitHubUsers.GetGitHubLoginAsync(user.Id, ct) ?? string.Empty;
        await gitHubUsers.UnlinkAsync(user.Id, time.GetUtcNow(), ct);
        await RecordAsync(actor, AuditActions.GitHubUnlinked, new GitHubIdentity(gitHubId, login, null, null), null, null, ct);
        return Result.Success;
    }

    private Task RecordAsync(Actor actor, string action, GitHubIdentity identity, string? reason, string? clientAddress, CancellationToken ct) =>
        audit.RecordAsync(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            ActorUserId = actor.UserId,
            Action = action,
            Target = $"user:{actor.Login}",
            ClientAddress = SignInService.Truncate(clientAddress, 64),
            Detail = SignInService.Truncate(reason is null ? $"GitHub {GitHubSignInService.Describe(identity)}" : $"GitHub {GitHubSignInService.Describe(identity)}: {reason}", 300),
        }, ct);
}
