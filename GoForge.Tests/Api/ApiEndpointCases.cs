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

        // Nothing runs in the world: the right scope reaches Core, which checks access first and then has no running deployment (409).
        // The world's application is not a compose one: the right scope reaches Core, which answers an empty list.
        new("GET", "/api/v1/applications/{applicationId:guid}/services", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/services", NoBody, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/runtime", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/runtime", NoBody, 200),
        new("POST", "/api/v1/applications/{applicationId:guid}/apply", ApiScope.Deploy, w => $"/api/v1/applications/{w.Application.Id}/apply", NoBody, 409),
        new("POST", "/api/v1/applications/{applicationId:guid}/stop", ApiScope.Deploy, w => $"/api/v1/applications/{w.Application.Id}/stop", NoBody, 409),
        new("POST", "/api/v1/applications/{applicationId:guid}/start", ApiScope.Deploy, w => $"/api/v1/applications/{w.Application.Id}/start", NoBody, 409),
        new("POST", "/api/v1/applications/{applicationId:guid}/restart", ApiScope.Deploy, w => $"/api/v1/applications/{w.Application.Id}/restart", NoBody, 409),

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
        // Backups: the world's service has no backup schedule (409 for "back up now") and no backup run (404).
        new("GET", "/api/v1/services/{serviceId:guid}/backups", ApiScope.Read, w => $"/api/v1/services/{w.Service.Id}/backups", NoBody, 200),
        new("POST", "/api/v1/services/{serviceId:guid}/backups", ApiScope.Deploy, w => $"/api/v1/services/{w.Service.Id}/backups", NoBody, 409),
        new("GET", "/api/v1/services/{serviceId:guid}/backups/{runId:guid}", ApiScope.Read, w => $"/api/v1/services/{w.Service.Id}/backups/{Guid.Empty}", NoBody, 404),
        new("POST", "/api/v1/services/{serviceId:guid}/backups/{runId:guid}/restore", ApiScope.Write, w => $"/api/v1/services/{w.Service.Id}/backups/{Guid.Empty}/restore", w => new { confirmation = w.Service.Name }, 404),
        new("GET", "/api/v1/services/{serviceId:guid}/backups/{runId:guid}/archive", ApiScope.Secrets, w => $"/api/v1/services/{w.Service.Id}/backups/{Guid.Empty}/archive", NoBody, 404),
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

        // Routing settings: the same RoutingService the routing form uses.
        new("GET", "/api/v1/applications/{applicationId:guid}/routing", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/routing", NoBody, 200),
        new("PUT", "/api/v1/applications/{applicationId:guid}/routing", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/routing", _ => new { redirectToHttps = true, compression = true }, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/routing/proxy-config", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/routing/proxy-config", NoBody, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/routing/labels", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/routing/labels", NoBody, 200),

        // Members: the world's account is a viewer of the project.
        new("GET", "/api/v1/projects/{projectId:guid}/members", ApiScope.Read, w => $"/api/v1/projects/{w.Project.Id}/members", NoBody, 200),
        new("PUT", "/api/v1/projects/{projectId:guid}/members/{login}", ApiScope.Write, w => $"/api/v1/projects/{w.Project.Id}/members/{w.Account.Login}", _ => new { role = "deployer" }, 200),
        new("DELETE", "/api/v1/projects/{projectId:guid}/members/{userId:guid}", ApiScope.Write, w => $"/api/v1/projects/{w.Project.Id}/members/{w.Account.Id}", NoBody, 204),

        // Repository credentials, write-only: the application has a deploy key with a pinned host key, the project a token.
        new("GET", "/api/v1/applications/{applicationId:guid}/git-credential", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/git-credential", NoBody, 200),
        new("PUT", "/api/v1/applications/{applicationId:guid}/git-credential/token", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/git-credential/token", _ => new { username = "x-access-token", token = "ghp_matrix0123456789" }, 200),
        new("POST", "/api/v1/applications/{applicationId:guid}/git-credential/deploy-key", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/git-credential/deploy-key", NoBody, 200),
        new("DELETE", "/api/v1/applications/{applicationId:guid}/git-credential/host-key", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/git-credential/host-key", NoBody, 204),
        new("DELETE", "/api/v1/applications/{applicationId:guid}/git-credential", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/git-credential", NoBody, 204),
        // Registry credentials of image applications, write-only. The world's application is a Git one: it has none (204),
        // and setting one reaches Core's validation (400).
        new("GET", "/api/v1/applications/{applicationId:guid}/registry-credential", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/registry-credential", NoBody, 204),
        new("PUT", "/api/v1/applications/{applicationId:guid}/registry-credential", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/registry-credential", _ => new { username = "deployer", password = "registry-matrix-0123" }, 400),
        new("DELETE", "/api/v1/applications/{applicationId:guid}/registry-credential", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/registry-credential", NoBody, 204),
        new("GET", "/api/v1/projects/{projectId:guid}/git-credential", ApiScope.Read, w => $"/api/v1/projects/{w.Project.Id}/git-credential", NoBody, 200),
        new("PUT", "/api/v1/projects/{projectId:guid}/git-credential/token", ApiScope.Write, w => $"/api/v1/projects/{w.Project.Id}/git-credential/token", _ => new { username = "x-access-token", token = "ghp_matrix0123456789" }, 200),
        new("POST", "/api/v1/projects/{projectId:guid}/git-credential/deploy-key", ApiScope.Write, w => $"/api/v1/projects/{w.Project.Id}/git-credential/deploy-key", NoBody, 200),

        // The project's credential is a token: no host key is pinned there, so the right scope reaches Core's "not found".
        new("DELETE", "/api/v1/projects/{projectId:guid}/git-credential/host-key", ApiScope.Write, w => $"/api/v1/projects/{w.Project.Id}/git-credential/host-key", NoBody, 404),
        new("DELETE", "/api/v1/projects/{projectId:guid}/git-credential", ApiScope.Write, w => $"/api/v1/projects/{w.Project.Id}/git-credential", NoBody, 204),

        // Webhook secret: the world has one.
        new("GET", "/api/v1/applications/{applicationId:guid}/webhook", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/webhook", NoBody, 200),
        new("POST", "/api/v1/applications/{applicationId:guid}/webhook/secret", ApiScope.Secrets, w => $"/api/v1/applications/{w.Application.Id}/webhook/secret", NoBody, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/webhook/secret", ApiScope.Secrets, w => $"/api/v1/applications/{w.Application.Id}/webhook/secret", NoBody, 200),

        // The caller's own tokens: a project-restricted token lists and revokes its user's tokens but makes none (403).
        new("GET", "/api/v1/me/tokens", ApiScope.Read, _ => "/api/v1/me/tokens", NoBody, 200, OtherProject: 200),
        new("POST", "/api/v1/me/tokens", ApiScope.Write, _ => "/api/v1/me/tokens", _ => new { name = "made by a token", scopes = new[] { "write" } }, 201, OtherProject: 403),
        new("DELETE", "/api/v1/me/tokens/{tokenId:guid}", ApiScope.Write, w => $"/api/v1/me/tokens/{w.OwnerTokenId}", NoBody, 204, OtherProject: 204),
        new("PUT", "/api/v1/me/display-name", ApiScope.Write, _ => "/api/v1/me/display-name", _ => new { displayName = "Renamed by the API" }, 200, OtherProject: 200),

        new("PUT", "/api/v1/environments/{environmentId:guid}", ApiScope.Write, w => $"/api/v1/environments/{w.Environment.Id}", _ => new { name = "Renamed" }, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/events", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/events", NoBody, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/rollback-targets", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/rollback-targets", NoBody, 200),
        new("GET", "/api/v1/deployments/{deploymentId:guid}/history", ApiScope.Read, w => $"/api/v1/deployments/{w.Deployment.Id}/history", NoBody, 200),
        new("GET", "/api/v1/deployments/{deploymentId:guid}/queue-position", ApiScope.Read, w => $"/api/v1/deployments/{w.Deployment.Id}/queue-position", NoBody, 200),
        new("POST", "/api/v1/applications/{applicationId:guid}/variables/import", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/variables/import", _ => new { text = "IMPORTED=1\n" }, 200),

        // Logs and stats: nothing runs in the world, so the log is empty and the stats name no container.
        new("GET", "/api/v1/applications/{applicationId:guid}/logs", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/logs", NoBody, 200),
        new("GET", "/api/v1/services/{serviceId:guid}/logs", ApiScope.Read, w => $"/api/v1/services/{w.Service.Id}/logs", NoBody, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/stats", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/stats", NoBody, 200),
        new("GET", "/api/v1/services/{serviceId:guid}/stats", ApiScope.Read, w => $"/api/v1/services/{w.Service.Id}/stats", NoBody, 200),

        // Docker administration: the matrix's engine is unreachable, so the overview says so (200) and a plan is Core's 409.
        new("GET", "/api/v1/docker", ApiScope.Admin, _ => "/api/v1/docker", NoBody, 200, OtherProject: 403),
        new("GET", "/api/v1/docker/prune/{kind}", ApiScope.Admin, _ => "/api/v1/docker/prune/danglingImages", NoBody, 409, OtherProject: 403),
        new("POST", "/api/v1/docker/prune/{kind}", ApiScope.Admin, _ => "/api/v1/docker/prune/danglingImages", _ => new { candidates = Array.Empty<object>() }, 409, OtherProject: 403),
        // The Swarm: the matrix's engine is unreachable, so every call that asks it is Core's 409; a bad body is refused first.
        new("GET", "/api/v1/swarm", ApiScope.Admin, _ => "/api/v1/swarm", NoBody, 409, OtherProject: 403),
        new("POST", "/api/v1/swarm/init", ApiScope.Admin, _ => "/api/v1/swarm/init", _ => new { advertiseAddress = "10.0.0.5" }, 409, OtherProject: 403),
        new("GET", "/api/v1/swarm/join", ApiScope.Admin, _ => "/api/v1/swarm/join", NoBody, 409, OtherProject: 403),
        new("GET", "/api/v1/swarm/nodes", ApiScope.Admin, _ => "/api/v1/swarm/nodes", NoBody, 409, OtherProject: 403),
        new("PUT", "/api/v1/swarm/nodes/{nodeId}/availability", ApiScope.Admin, _ => "/api/v1/swarm/nodes/abc123/availability", _ => new { availability = "drain" }, 409, OtherProject: 403),
        new("PUT", "/api/v1/swarm/nodes/{nodeId}/labels", ApiScope.Admin, _ => "/api/v1/swarm/nodes/abc123/labels", _ => new { labels = new { disk = "ssd" } }, 409, OtherProject: 403),
        new("DELETE", "/api/v1/swarm/nodes/{nodeId}", ApiScope.Admin, _ => "/api/v1/swarm/nodes/abc123", NoBody, 409, OtherProject: 403),
        // The audit log is read by administrators and by a project's maintainers (the world's owner), filtered here by the world's project.
        new("GET", "/api/v1/audit-log", ApiScope.Read, w => $"/api/v1/audit-log?limit=5&project={w.Project.Id}", NoBody, 200),
        new("GET", "/api/v1/audit-log.csv", ApiScope.Read, w => $"/api/v1/audit-log.csv?project={w.Project.Id}", NoBody, 200),
        // GitHub sign-in is off in the matrix, so an invitation is Core's 409 and revoking one that does not exist its 404.
        new("GET", "/api/v1/invitations", ApiScope.Admin, _ => "/api/v1/invitations", NoBody, 200, OtherProject: 403),
        new("POST", "/api/v1/invitations", ApiScope.Admin, _ => "/api/v1/invitations", _ => new { note = "for the matrix", validForHours = 24 }, 409, OtherProject: 403),
        new("DELETE", "/api/v1/invitations/{invitationId:guid}", ApiScope.Admin, _ => $"/api/v1/invitations/{Guid.NewGuid()}", NoBody, 404, OtherProject: 403),
        new("GET", "/api/v1/settings/github", ApiScope.Admin, _ => "/api/v1/settings/github", NoBody, 200, OtherProject: 403),
        new("PUT", "/api/v1/settings/github", ApiScope.Admin, _ => "/api/v1/settings/github", _ => new { enabled = false, baseUrl = "https://github.com", apiUrl = "https://api.github.com", allowSignUp = false }, 200, OtherProject: 403),
        new("DELETE", "/api/v1/settings/github", ApiScope.Admin, _ => "/api/v1/settings/github", NoBody, 200, OtherProject: 403),
        new("GET", "/api/v1/settings/domains", ApiScope.Admin, _ => "/api/v1/settings/domains", NoBody, 200, OtherProject: 403),
        new("GET", "/api/v1/settings/repositories", ApiScope.Admin, _ => "/api/v1/settings/repositories", NoBody, 200, OtherProject: 403),
        new("PUT", "/api/v1/settings/repositories", ApiScope.Admin, _ => "/api/v1/settings/repositories", _ => new { allowLocalAndPrivate = true }, 200, OtherProject: 403),
        new("GET", "/api/v1/settings/audit-retention", ApiScope.Admin, _ => "/api/v1/settings/audit-retention", NoBody, 200, OtherProject: 403),
        new("PUT", "/api/v1/settings/audit-retention", ApiScope.Admin, _ => "/api/v1/settings/audit-retention", _ => new { days = 400 }, 200, OtherProject: 403),

        // Volumes: the world's application has one (a row: nothing deployed created it). The matrix's engine is
        // unreachable, so a delete, which checks the engine volume's labels first, is Core's 409 and deletes nothing.
        new("GET", "/api/v1/applications/{applicationId:guid}/volumes", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/volumes", NoBody, 200),
        // Previews: the world's application has previews off and no preview, so an unknown preview id reaches Core and is not found (like another project's).
        new("GET", "/api/v1/applications/{applicationId:guid}/previews", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/previews", NoBody, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/previews/settings", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/previews/settings", NoBody, 200),
        new("PUT", "/api/v1/applications/{applicationId:guid}/previews/settings", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/previews/settings", _ => new { enabled = false, maxConcurrent = 2, idleDays = 5 }, 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/previews/variables", ApiScope.Read, w => $"/api/v1/applications/{w.Application.Id}/previews/variables", NoBody, 200),
        new("PUT", "/api/v1/applications/{applicationId:guid}/previews/variables/{variableId:guid}", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/previews/variables/{Guid.Empty}", _ => new { available = true }, 404),
        new("POST", "/api/v1/previews/{previewId:guid}/approve", ApiScope.Write, _ => $"/api/v1/previews/{Guid.Empty}/approve", _ => new { headCommit = new string('a', 40) }, 404),
        new("POST", "/api/v1/previews/{previewId:guid}/redeploy", ApiScope.Deploy, _ => $"/api/v1/previews/{Guid.Empty}/redeploy", NoBody, 404),
        new("DELETE", "/api/v1/previews/{previewId:guid}", ApiScope.Write, _ => $"/api/v1/previews/{Guid.Empty}", NoBody, 404),
        new("POST", "/api/v1/applications/{applicationId:guid}/volumes", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/volumes", _ => new { name = "uploads", mountPath = "/uploads" }, 201),
        new("DELETE", "/api/v1/applications/{applicationId:guid}/volumes/{volumeId:guid}", ApiScope.Write, w => $"/api/v1/applications/{w.Application.Id}/volumes/{w.VolumeId}?confirmName={ApiWorld.VolumeName}", NoBody, 409),
        new("PUT", "/api/v1/applications/{applicationId:guid}/bind-mounts", ApiScope.Admin, w => $"/api/v1/applications/{w.Application.Id}/bind-mounts", _ => new { allowed = true }, 204, OtherProject: 403),
        new("POST", "/api/v1/secret-key/rotate", ApiScope.Admin, _ => "/api/v1/secret-key/rotate", NoBody, 200, OtherProject: 403),

        // Compose applications: the same endpoints with a compose application's fields (the world has one beside its Git application).
        new("POST", "/api/v1/environments/{environmentId:guid}/applications", ApiScope.Write, w => $"/api/v1/environments/{w.Environment.Id}/applications", _ => NewComposeApplication("stack"), 201),
        new("GET", "/api/v1/applications/{applicationId:guid}", ApiScope.Read, w => $"/api/v1/applications/{w.ComposeApplication.Id}", NoBody, 200),
        new("PUT", "/api/v1/applications/{applicationId:guid}", ApiScope.Write, w => $"/api/v1/applications/{w.ComposeApplication.Id}", w => NewComposeApplication(w.ComposeApplication.Name), 200),
        new("GET", "/api/v1/applications/{applicationId:guid}/variables", ApiScope.Read, w => $"/api/v1/applications/{w.ComposeApplication.Id}/variables", NoBody, 200),
        new("PUT", "/api/v1/applications/{applicationId:guid}/variables/{key}", ApiScope.Write, w => $"/api/v1/applications/{w.ComposeApplication.Id}/variables/WEB_ONLY", _ => new { value = "1", services = new[] { "web" } }, 204),
        new("DELETE", "/api/v1/applications/{applicationId:guid}", ApiScope.Write, w => $"/api/v1/applications/{w.ComposeApplication.Id}", NoBody, 204),
    ];

    private static object? NoBody(ApiWorld world) => null;

    private static object NewComposeApplication(string name) => new
    {
        name,
        source = "compose",
        gitUrl = "https://git.example.com/acme/stack.git",
        composePath = "deploy/compose.prod.yml",
        domains = new[] { $"web: {Guid.NewGuid():N}.example.com" },
    };

    private static object NewApplication(string name) => new
    {
        name,
        gitUrl = "https://git.example.com/acme/web.git",
        domains = new[] { $"{Guid.NewGuid():N}.example.com" },
    };
}
