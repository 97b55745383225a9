using System.Security.Claims;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary><c>GET /api/v1/me</c>: who the token speaks for, and the token itself; and the display name, as the profile page changes it.</summary>
internal static class MeEndpoints
{
    public static RouteGroupBuilder MapMeEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me", GetAsync).RequireScope(ApiScope.Read).WithTags("Me").WithSummary("The token's user and the token");
        api.MapPut("/me/display-name", SetDisplayNameAsync).RequireScope(ApiScope.Write).WithTags("Me").WithSummary("Change your display name");
        return api;
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user, AccountService account, ApiTokenService tokens, CancellationToken ct)
    {
        var actor = user.ToApiActor();
        var profile = await account.GetProfileAsync(actor, ct);
        if (!profile.IsSuccess)
        {
            return ApiResults.Problem(profile.Error);
        }

        var token = await tokens.GetAsync(actor, user.GetTokenId()!.Value, ct);
        if (!token.IsSuccess)
        {
            return ApiResults.Problem(token.Error);
        }

        var me = profile.Value;
        return TypedResults.Ok(new MeResponse(me.Id, me.Login, me.DisplayName, me.Role, TokenResponse.From(token.Value)));
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> SetDisplayNameAsync(
        DisplayNameRequest body, ClaimsPrincipal user, AccountService account, ApiTokenService tokens, CancellationToken ct)
    {
        var result = await account.SetDisplayNameAsync(user.ToApiActor(), body.DisplayName, ct);
        return result.IsSuccess ? await GetAsync(user, account, tokens, ct) : ApiResults.Problem(result.Error!);
    }
}

public sealed record DisplayNameRequest(string? DisplayName);
