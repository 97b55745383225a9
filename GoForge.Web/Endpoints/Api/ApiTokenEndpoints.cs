using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The caller's own API tokens through <see cref="ApiTokenService"/>, as the profile page manages them. A token may
/// make another only within itself: no scope it lacks, no later expiry, and never from a project-restricted token
/// (<see cref="ApiTokenRules.ValidateDelegation"/>). The new token is in the creating answer only.
/// </summary>
internal static class ApiTokenEndpoints
{
    public static RouteGroupBuilder MapApiTokenEndpoints(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/me/tokens").WithTags("Me");
        tokens.MapGet("", ListAsync).RequireScope(ApiScope.Read).WithSummary("Your API tokens, newest first (never the tokens themselves)");
        tokens.MapPost("", CreateAsync).RequireScope(ApiScope.Write).WithSummary("Create a token within this one's scopes and expiry; the answer is the only time it is shown");
        tokens.MapDelete("/{tokenId:guid}", RevokeAsync).RequireScope(ApiScope.Write).WithSummary("Revoke one of your tokens");
        return api;
    }

    private static async Task<Results<Ok<Page<TokenListItem>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, ApiTokenService tokens, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PageRequest.TryRead(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(page.Apply(await tokens.ListAsync(user.ToApiActor(), ct), TokenListItem.From));
    }

    private static async Task<Results<Created<CreatedTokenResponse>, ProblemHttpResult>> CreateAsync(
        TokenRequest body, ClaimsPrincipal user, ApiTokenService tokens, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        if (body.Scopes is null || body.Scopes.Any(s => s is null) || !ApiScopes.TryParse(body.Scopes!, out var scopes))
        {
            return ApiResults.Validation("Scopes", $"Choose among {string.Join(", ", ApiScopes.All.Select(s => s.Name()))}.");
        }

        var input = new ApiTokenInput { Name = body.Name, Scopes = scopes, ExpiresAt = body.ExpiresAt, ProjectId = body.ProjectId };
        var caller = await tokens.GetAsync(actor, user.GetTokenId()!.Value, ct);
        if (!caller.IsSuccess)
        {
            return ApiResults.Problem(caller.Error);
        }

        var delegated = ApiTokenRules.ValidateDelegation(caller.Value, input);
        if (!delegated.IsSuccess)
        {
            return ApiResults.Problem(delegated.Error!);
        }

        var created = await tokens.CreateAsync(actor, input, ct);
        return created.IsSuccess
            ? TypedResults.Created($"{ApiEndpoints.Prefix}/me/tokens", new CreatedTokenResponse(TokenResponse.From(created.Value.Token), created.Value.Secret))
            : ApiResults.Problem(created.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid tokenId, ClaimsPrincipal user, ApiTokenService tokens, CancellationToken ct)
    {
        var result = await tokens.RevokeAsync(user.ToApiActor(), tokenId, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }
}

/// <summary>A token to create: <c>scopes</c> as names (<c>read</c>, <c>deploy</c>, …).</summary>
public sealed record TokenRequest(string? Name, IReadOnlyList<string?>? Scopes, DateTimeOffset? ExpiresAt, Guid? ProjectId);

/// <summary>The new token: <see cref="Secret"/> is shown here once and never again.</summary>
public sealed record CreatedTokenResponse(TokenResponse Token, string Secret);

public sealed record TokenListItem(Guid Id, string Name, IReadOnlyList<string> Scopes, Guid? ProjectId, string? ProjectName, DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static TokenListItem From(ApiTokenListItem item)
    {
        var t = item.Token;
        return new(t.Id, t.Name, t.Scopes.Names(), t.ProjectId, item.ProjectName, t.ExpiresAt, t.CreatedAt, t.LastUsedAt, t.RevokedAt);
    }
}
