using GoForge.Core.Projects;
using System.Security.Claims;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>"Allow local and private repositories" through <see cref="RepositoryNetworkSettings"/>, as the settings page changes it: the <c>admin</c> scope and Core's administrator check.</summary>
internal static class RepositoryNetworkEndpoints
{
    public static RouteGroupBuilder MapRepositoryNetworkEndpoints(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings/repositories").WithTags("Administration");
        settings.MapGet("", GetAsync).RequireScope(ApiScope.Admin)
            .WithSummary("Whether repositories on local paths or on loopback, private and link-local addresses may be cloned");
        settings.MapPut("", SaveAsync).RequireScope(ApiScope.Admin)
            .WithSummary("Allow or refuse repositories on local paths and on loopback, private and link-local addresses");
        return api;
    }

    private static async Task<Results<Ok<RepositoryNetworkSettingsView>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user, RepositoryNetworkSettings settings, CancellationToken ct) =>
        Answer(await settings.GetAsync(user.ToApiActor(), ct));

    private static async Task<Results<Ok<RepositoryNetworkSettingsView>, ProblemHttpResult>> SaveAsync(
        RepositoryNetworkSettingsInput body, ClaimsPrincipal user, RepositoryNetworkSettings settings, CancellationToken ct) =>
        Answer(await settings.SaveAsync(user.ToApiActor(), body, ct));

    private static Results<Ok<RepositoryNetworkSettingsView>, ProblemHttpResult> Answer(Core.Common.Result<RepositoryNetworkSettingsView> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : ApiResults.Problem(result.Error);
}
