using GoForge.Core.Projects;
using GoForge.Web.Auth;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The <c>/api/v1</c> group: token authentication only (never cookies), the per-token rate limit, the scope check,
/// and one file per resource. To add a resource: write <c>XxxEndpoints.MapXxx(RouteGroupBuilder)</c> with a
/// <see cref="ApiScopeRequirement.RequireScope"/> on each endpoint, and call it below; the API tests cover it from then on.
/// </summary>
internal static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    public static IEndpointRouteBuilder MapGoForgeApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix)
            .RequireAuthorization(ApiRegistration.PolicyName)
            .RequireRateLimiting(ApiRateLimitPolicy.Name)
            .DisableAntiforgery()
            .AddEndpointFilter(ApiScopeRequirement.CheckAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapMeEndpoints();
        api.MapProjectEndpoints();
        api.MapEnvironmentEndpoints();
        api.MapApplicationEndpoints();
        api.MapApplicationRuntimeEndpoints();
        api.MapComposeServiceEndpoints();
        api.MapVariableEndpoints();
        api.MapVolumeEndpoints();
        api.MapDeploymentEndpoints();
        api.MapWebhookDeliveryEndpoints();
        api.MapServiceEndpoints();
        api.MapBackupEndpoints();
        api.MapUserEndpoints();
        api.MapRoutingEndpoints();
        api.MapMemberEndpoints();
        api.MapGitCredentialEndpoints();
        api.MapRegistryCredentialEndpoints();
        api.MapWebhookSecretEndpoints();
        api.MapApiTokenEndpoints();
        api.MapWorkloadEndpoints();
        api.MapDockerAdminEndpoints();
        api.MapSwarmEndpoints();
        api.MapAuditLogEndpoints();
        api.MapSecretKeyEndpoints();
        api.MapInvitationEndpoints();
        api.MapGitHubSettingsEndpoints();
        api.MapDomainEndpoints();
        api.MapRepositoryNetworkEndpoints();
        api.MapAuditRetentionEndpoints();
        api.MapPreviewEndpoints();

        // Unknown paths under /api answer 404 problem details (ApiEdge), not the panel's page.
        endpoints.MapFallback(ApiEdge.PathPrefix + "/{**path}", () => ApiResults.Problem(StatusCodes.Status404NotFound, "Not found", "No such API endpoint; see /openapi/v1.json."))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return endpoints;
    }
}
