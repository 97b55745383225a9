using GoForge.Core.Auditing;
using GoForge.Core.Common;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Identity.ApiTokens;

/// <summary>
/// Personal API tokens: create (the token is returned once), list one's own, revoke, and authenticate a presented
/// token. Validation and ownership checks live here, so the profile page, the API and the CLI share them.
/// </summary>
public sealed partial class ApiTokenService(
    IApiTokenRepository tokens,
    IUserRepository users,
    IProjectVisibility projects,
    GoForge.Core.Identity.TwoFactor.RecentSecondFactor recentSecondFactor,
    IAuditLog audit,
    TimeProvider time,
    ILogger<ApiTokenService> logger)
{
    /// <summary>Recording every use would turn each API call into a write; once a minute is enough to show "last used".</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public const string InvalidMessage = "The token is not valid.";
    public const string ExpiredMessage = "The token has expired.";
    public const string RevokedMessage = "The token was revoked.";

    public async Task<Result<CreatedApiToken>> CreateAsync(Actor actor, ApiTokenInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (actor.ProjectRestriction is not null)
        {
            return Error.Forbidden("A project-restricted token cannot create tokens.");
        }

        if (await recentSecondFactor.CheckAsync(actor, ct) is { IsSuccess: false } notRecent)
        {
            return notRecent.Error!;
        }

        var owner = await users.GetByIdAsync(actor.UserId, ct);
        if (owner is null || owner.IsDisabled)
        {
            return Error.NotFound("No such user.");
        }

        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        ApiTokenRules.Validate(input, owner, now, errors);
        if (input.ProjectId is { } projectId && !await projects.CanViewAsync(actor, projectId, ct))
        {
            errors.Add(nameof(ApiTokenInput.ProjectId), "No such project, or you are not a member of it.");
        }

        if (await tokens.CountActiveByUserAsync(owner.Id, now, ct) >= ApiTokenRules.MaxActivePerUser)
        {
            errors.Add(nameof(ApiTokenInput.Name), $"You already have {ApiTokenRules.MaxActivePerUser} active tokens; revoke one first.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var secret = ApiTokenFormat.Generate();
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = owner.Id,
            Name = ApiTokenRules.NormalizeName(input.Name),
            Scopes = input.Scopes,
            ProjectId = input.ProjectId,
            ExpiresAt = input.ExpiresAt?.ToUniversalTime(),
            CreatedAt = now,
        };
        await tokens.CreateAsync(token, ApiTokenFormat.Hash(secret), ct);
        await audit.RecordAsync(time, actor, AuditActions.ApiTokenCreated, $"api_token:{token.Id}", $"{token.Name} ({string.Join(",", token.Scopes.Names())})", ct);
        return new CreatedApiToken(token, secret);
    }

    /// <summary>The actor's own tokens, newest first, revoked and expired ones included.</summary>
    public Task<IReadOnlyList<ApiTokenListItem>> ListAsync(Actor actor, CancellationToken ct = default) =>
        tokens.ListByUserAsync(actor.UserId, ct);

    /// <summary>One of the actor's own tokens; anyone else's is not found.</summary>
    public async Task<Result<ApiToken>> GetAsync(Actor actor, Guid tokenId, CancellationToken ct = default)
    {
        var token = await tokens.GetAsync(tokenId, ct);
        return token is null || token.UserId != actor.UserId ? Error.NotFound("No such token.") : token;
    }

    /// <summary>Revokes one of the actor's tokens (administrators: anyone's). Someone else's token is not found.</summary>
    public async Task<Result> RevokeAsync(Actor actor, Guid tokenId, CancellationToken ct = default)
    {
        var token = await tokens.GetAsync(tokenId, ct);
        if (token is null || (token.UserId != actor.UserId && !actor.IsAdmin))
        {
            return Error.NotFound("No such token.");
        }

        if (await tokens.RevokeAsync(tokenId, time.GetUtcNow(), ct))
        {
            await audit.RecordAsync(time, actor, AuditActions.ApiTokenRevoked, $"api_token:{token.Id}", token.Name, ct);
        }

        return Result.Success;
    }

    /// <summary>
    /// Who the presented token speaks for, or <see cref="ErrorKind.Unauthorized"/> when it is malformed, unknown,
    /// expired or revoked, or its user is disabled or gone.
    /// </summary>
    public async Task<Result<ApiCaller>> AuthenticateAsync(string? presented, CancellationToken ct = default)
    {
        if (!ApiTokenFormat.LooksLikeToken(presented))
        {
            return Error.Unauthorized(InvalidMessage);
        }

        var token = await tokens.FindByHashAsync(ApiTokenFormat.Hash(presented!), ct);
        if (token is null)
        {
            return Error.Unauthorized(InvalidMessage);
        }

        var now = time.GetUtcNow();
        if (token.IsRevoked)
        {
            LogRefused(logger, token.Id, "revoked");
            return Error.Unauthorized(RevokedMessage);
        }

        if (token.IsExpiredAt(now))
        {
            LogRefused(logger, token.Id, "expired");
            return Error.Unauthorized(ExpiredMessage);
        }

        var user = await users.GetByIdAsync(token.UserId, ct);
        if (user is null || user.IsDisabled)
        {
            LogRefused(logger, token.Id, "user disabled");
            return Error.Unauthorized(InvalidMessage);
        }

        if (token.LastUsedAt is not { } last || now - last >= TouchInterval)
        {
            await tokens.TouchAsync(token.Id, now, now - TouchInterval, ct);
        }

        return new ApiCaller(token, user);
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "API token {TokenId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, Guid tokenId, string reason);
}
