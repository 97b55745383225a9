using System.Security.Claims;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Registry;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// An image application's registry credential through <see cref="RegistryCredentialService"/>. Write-only: the password
/// or token goes in and never comes out; reading says which registry and user. The registry is the image's own.
/// </summary>
internal static class RegistryCredentialEndpoints
{
    public static RouteGroupBuilder MapRegistryCredentialEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/applications/{applicationId:guid}/registry-credential").WithTags("Registry credentials");
        group.MapGet("", GetAsync).RequireScope(ApiScope.Read).WithSummary("Which registry user an image application's pulls authenticate as (never the password)");
        group.MapPut("", SetAsync).RequireScope(ApiScope.Write).WithSummary("Store an image application's registry user and password or token (write-only)");
        group.MapDelete("", DeleteAsync).RequireScope(ApiScope.Write).WithSummary("Remove an image application's registry credential");
        return api;
    }

    private static async Task<Results<Ok<RegistryCredentialResponse>, NoContent, ProblemHttpResult>> GetAsync(
        Guid applicationId, ClaimsPrincipal user, RegistryCredentialService credentials, CancellationToken ct)
    {
        var result = await credentials.GetAsync(user.ToApiActor(), applicationId, ct);
        if (!result.IsSuccess)
        {
            return ApiResults.Problem(result.Error);
        }

        return result.Value is { } view ? TypedResults.Ok(new RegistryCredentialResponse(view.Registry, view.Username)) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<RegistryCredentialResponse>, ProblemHttpResult>> SetAsync(
        Guid applicationId, RegistryCredentialRequest body, ClaimsPrincipal user, RegistryCredentialService credentials, CancellationToken ct)
    {
        var result = await credentials.SetAsync(user.ToApiActor(), applicationId, new RegistryCredentialInput { Username = body.Username, Password = body.Password }, ct);
        return result.IsSuccess ? TypedResults.Ok(new RegistryCredentialResponse(result.Value.Registry, result.Value.Username)) : ApiResults.Problem(result.Error);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid applicationId, ClaimsPrincipal user, RegistryCredentialService credentials, CancellationToken ct)
    {
        var result = await credentials.DeleteAsync(user.ToApiActor(), applicationId, ct);
        return result.IsSuccess ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
    }
}
