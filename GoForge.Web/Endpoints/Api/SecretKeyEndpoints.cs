using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Secrets;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>Rotating the key that encrypts stored secrets, through <see cref="SecretAdministration"/>, as the settings page does: admin only, audited.</summary>
internal static class SecretKeyEndpoints
{
    public static RouteGroupBuilder MapSecretKeyEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/secret-key/rotate", RotateAsync).RequireScope(ApiScope.Admin).WithTags("Administration").WithSummary("Re-encrypt every stored secret under a new key");
        return api;
    }

    private static async Task<Results<Ok<SecretKeyRotationReport>, ProblemHttpResult>> RotateAsync(ClaimsPrincipal user, SecretAdministration secrets, CancellationToken ct)
    {
        var result = await secrets.RotateKeyAsync(user.ToApiActor(), ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
    }
}
