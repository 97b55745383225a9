using GoForge.Core.Identity.ApiTokens;

namespace GoForge.Tests.Api;

/// <summary>
/// One /api/v1 endpoint as the matrix calls it: its route pattern (as mapped), the scope it needs, how to build its path
/// and body for a fresh <see cref="ApiWorld"/>, what it answers with the right scope, and what a token restricted to
/// another project gets. <c>ApiCoverageTests</c> fails when a mapped endpoint is missing here.
/// </summary>
internal sealed record ApiEndpointCase(
    string Method, string Pattern, ApiScope Scope, Func<ApiWorld, string> Path, Func<ApiWorld, object?> Body, int Success, int OtherProject = 404)
{
    public override string ToString() => $"{Method} {Pattern}";

    public static readonly IReadOnlyList<ApiEndpointCase> All =
    [
        new("GET", "/api/v1/me", ApiScope.Read, _ => "/api/v1/me", NoBody, 200, OtherProject: 200),
        new("GET", "/api/v1/projects", ApiScope.Read, _ => "/api/v1/projects", NoBody, 200, OtherProject: 200),
        new("POST", "/api/v1/projects", ApiScope.Write, _ => "/api/v1/projects", _ => new { name = "Made by API" }, 201, OtherProject: 403),
        new("GET", "/api/v1/projects/{projectId:guid}", ApiScope.Read, w => $"/api/v1/projects/{w.Project.Id}", NoBody, 200),
        new("PUT", "/api/v1/projects/{projectId:guid}", ApiScope.Write, w => $"/api/v1/projects/{w.Project.Id}", _ => new { name = "Renamed", description = "by the API" }, 200),
        new("DELETE", "/api/v1/projects/{projectId:guid}", ApiScope.Write, w => $"/api/v1/projects/{w.Project.Id}", NoBody, 204),
        new("GET", "/api/v1/projects/{projectId:guid}/environments", ApiScope.Read, w => $"/api/v1/projects/{w.Project.Id}/environments", NoBody, 200),
        new("POST", "/api/v1/projects/{projectId:guid}/environments", ApiScope.Write, w => $"/api/v1/projects/{w.Project.Id}/environments", _ => new { name = "staging" }, 201),
        new("GET", "/api/v1/environments/{environmentId:guid}", ApiScope.Read, w => $"/api/v1/environments/{w.Environment.Id}", NoBody, 200),
        new("DELETE", "/api/v1/environments/{environmentId:guid}", ApiScope.Write, w => $"/api/v1/environments/{w.Environment.Id}", NoBody, 204),
        new("GET", "/api/v1/environments/{environmentId:guid}/applications", ApiScope.Read, w => $"/api/v1/environments/{w.Environment.Id}/applications", NoBody, 200),
        new("POST", "/api/v1/environments/{environmentId:guid}/applications", ApiScope.Write, w => $"/api/v1/environments/{w.Environment.Id}/applications", _ => NewApplication("web"), 201),
        new("GET", "/api/v1/projects/{projectId:guid}/applications", ApiScope.Read, w => $"/api/v1/projects/{w.Project.Id}/applications", NoBody, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}", NoBody, 200),
        new("PUT", "/api/v1/applications/{applicationId:guid}", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}", w => NewApplication(w.Application.Name), 200),
        new("DELETE", "/api/v1/applications/{applicationId:guid}", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}", NoBody, 204),
        new("GET", "/api/v1/applications/{applicationId:guid}/variables", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/variables", NoBody, 200),
        new("PUT", "/api/v1/applications/{applicationId:guid}/variables/{key}", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/variables/NEW_KEY", _ => new { value = "new" }, 204),
        new("DELETE", "/api/v1/applications/{applicationId:guid}/variables/{key}", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/variables/{ApiWorld.PlainKey}", NoBody, 204),
        new("POST", "/api/v1/applications/{applicationId:guid}/deployments", ApiScope.Deploy, w => $"/api/v1/applications/{w.Application.Id}/deployments", _ => new { }, 202),
        new("GET", "/api/v1/applications/{applicationId:guid}/deployments", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/deployments", NoBody, 200),

        // Nothing runs in the world, so the right scope reaches Core and gets its conflict (RollbackAsync checks access first).
        new("POST", "/api/v1/applications/{applicationId:guid}/rollback", ApiScope.Deploy, w => $"/api/v1/applications/{w.Application.Id}/rollback", _ => new { }, 409),
        new("GET", "/api/v1/deployments/{deploymentId:guid}", ApiScope.Read, w => $"/api/v1/deployments/{w.Deployment.Id}", NoBody, 200),

        // The world's deployment is already canceled: the right scope reaches the state machine, which refuses (409).
        new("POST", "/api/v1/deployments/{deploymentId:guid}/cancel", ApiScope.Deploy, w => $"/api/v1/deployments/{w.Deployment.Id}/cancel", NoBody, 409),
        new("GET", "/api/v1/deployments/{deploymentId:guid}/log", ApiScope.Read, w => $"/api/v1/deployments/{w.Deployment.Id}/log", NoBody, 200),
        new("GET", "/api/v1/catalog", ApiScope.Read, _ => "/api/v1/catalog?category=database", NoBody, 200, OtherProject: 200),
        new("GET", "/api/v1/environments/{environmentId:guid}/services", ApiScope.Read, w => $"/api/v1/environments/{w.Environment.Id}/services", NoBody, 200),
        new("GET", "/api/v1/services/{serviceId:guid}", ApiScope.Read, w => $"/api/v1/services/{w.Service.Id}", NoBody, 200),
        new("GET", "/api/v1/services/{serviceId:guid}/connection", ApiScope.Read, w => $"/api/v1/services/{w.Service.Id}/connection", NoBody, 200),

        // The matrix's engine is unreachable, so services that would start end Failed with the reason: with ?wait= still 201/200.
        new("POST", "/api/v1/environments/{environmentId:guid}/services", ApiScope.Write, w => $"/api/v1/environments/{w.Environment.Id}/services?wait=60", _ => new { templateId = "postgresql" }, 201),
        new("POST", "/api/v1/services/{serviceId:guid}/start", ApiScope.Deploy, w => $"/api/v1/services/{w.Service.Id}/start?wait=60", NoBody, 200),
        new("POST", "/api/v1/services/{serviceId:guid}/stop", ApiScope.Deploy, w => $"/api/v1/services/{w.Service.Id}/stop?wait=60", NoBody, 200),
        new("POST", "/api/v1/services/{serviceId:guid}/restart", ApiScope.Deploy, w => $"/api/v1/services/{w.Service.Id}/restart?wait=60", NoBody, 200),
        new("PUT", "/api/v1/services/{serviceId:guid}/version", ApiScope.Write, w => $"/api/v1/services/{w.Service.Id}/version?wait=60", w => new { version = w.Service.Version }, 200),

        // Nothing is queued or running on the world's service: the right scope reaches Core, which has nothing to cancel (409).
        new("POST", "/api/v1/services/{serviceId:guid}/cancel", ApiScope.Deploy, w => $"/api/v1/services/{w.Service.Id}/cancel", NoBody, 409),

        // An operation the world's service never had: the right scope reaches Core, which answers not found like another project's.
        new("GET", "/api/v1/services/{serviceId:guid}/operations/{operationId:guid}", ApiScope.Read, w => $"/api/v1/services/{w.Service.Id}/operations/{Guid.Empty}", NoBody, 404),
        new("POST", "/api/v1/services/{serviceId:guid}/links", ApiScope.Write, w => $"/api/v1/services/{w.Service.Id}/links", w => new { applicationId = w.Application.Id, outputName = "url", key = "DATABASE_URL" }, 204),

        // Core will not forget a service whose container it cannot ask the unreachable engine about: 409, the row stays.
        new("DELETE", "/api/v1/services/{serviceId:guid}", ApiScope.Write, w => $"/api/v1/services/{w.Service.Id}?wait=60", NoBody, 409),

        // Administration: a token restricted to a project never acts as an administrator, so it lacks the scope's effect (403).
        new("GET", "/api/v1/users", ApiScope.Admin, _ => "/api/v1/users", NoBody, 200, OtherProject: 403),
        new("GET", "/api/v1/users/{userId:guid}", ApiScope.Admin, w => $"/api/v1/users/{w.Account.Id}", NoBody, 200, OtherProject: 403),
        new("POST", "/api/v1/users", ApiScope.Admin, _ => "/api/v1/users", _ => new { login = "api-" + Guid.NewGuid().ToString("N")[..10], password = "a long enough password 1" }, 201, OtherProject: 403),
        new("PUT", "/api/v1/users/{userId:guid}/role", ApiScope.Admin, w => $"/api/v1/users/{w.Account.Id}/role", _ => new { role = "admin" }, 200, OtherProject: 403),
        new("POST", "/api/v1/users/{userId:guid}/disable", ApiScope.Admin, w => $"/api/v1/users/{w.Account.Id}/disable", NoBody, 200, OtherProject: 403),
        new("POST", "/api/v1/users/{userId:guid}/enable", ApiScope.Admin, w => $"/api/v1/users/{w.Account.Id}/enable", NoBody, 200, OtherProject: 403),
        new("PUT", "/api/v1/users/{userId:guid}/password", ApiScope.Admin, w => $"/api/v1/users/{w.Account.Id}/password", _ => new { password = "another long password 2" }, 204, OtherProject: 403),
        new("GET", "/api/v1/applications/{applicationId:guid}/webhook-deliveries", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/webhook-deliveries", NoBody, 200),
    ];

    private static object? NoBody(ApiWorld world) => null;

    private static object NewApplication(string name) => new
    {
        name,
        gitUrl = "https://git.example.com/acme/web.git",
        domains = new[] { $"{Guid.NewGuid():N}.example.com" },
    };
}
