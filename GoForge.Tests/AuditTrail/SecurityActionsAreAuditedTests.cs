using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Identity.TwoFactor;
using GoForge.Tests.Support;
using GoForge.Web.Endpoints.Api;
using Npgsql;

namespace GoForge.Tests.AuditTrail;

/// <summary>
/// Issue 23's walk: every security-relevant action leaves an audit event with the acting user or token, the address,
/// the project, and for settings the value before and after; no secret value is in any event. Sign-ins and the token's
/// actions go through the panel on a real socket (so the address is the connection's); the rest through Core's services.
/// One panel, one walk: the actions build on each other (a project, its application, its variable).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SecurityActionsAreAuditedTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Loopback = "127.0.0.1";
    private const string SecretValue = "sk_live_audit_walk_7f3c9e1d2b";

    private GoForgeApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await GoForgeApp.StartAsync(postgres, "auditwalk", kestrel: true, services: GoForgeApp.WithoutDeploymentWorker);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Every_security_relevant_action_is_audited_with_its_actor_address_and_project_and_no_secret()
    {
        var admin = await _app.CreateUserAsync(UserRole.Admin);
        var member = await _app.CreateUserAsync();
        var adminActor = Actor.From(admin);

        // Sign-in failure and success, in a browser: the connection's address.
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = _app.Address })
        {
            await FormClient.SignInAsync(browser, admin.Login, "not the password at all");
            await FormClient.SignInAsync(browser, admin.Login, TestUsers.Password);
        }

        var failed = await SingleAsync(AuditActions.SignInFailed, $"user:{admin.Login}");
        Assert.Equal(Loopback, failed.ClientAddress);
        var signedIn = await SingleAsync(AuditActions.SignedIn, $"user:{admin.Login}");
        Assert.Equal((admin.Id, Loopback), (signedIn.ActorUserId, signedIn.ClientAddress));

        // Token creation (Core) and everything the token does (the API): the token's id and the caller's address.
        var tokens = _app.Get<ApiTokenService>();
        var created = (await tokens.CreateAsync(adminActor, new ApiTokenInput { Name = "walk", Scopes = ApiScope.Read | ApiScope.Write | ApiScope.Deploy | ApiScope.Admin })).Value!;
        var spare = (await tokens.CreateAsync(adminActor, new ApiTokenInput { Name = "spare" })).Value!;
        Assert.Equal(admin.Id, (await SingleAsync(AuditActions.ApiTokenCreated, $"api_token:{created.Token.Id}")).ActorUserId);
        using var api = new HttpClient { BaseAddress = _app.Address };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Secret);

        var project = (await SendAsync<ProjectResponse>(api, HttpMethod.Post, "/api/v1/projects", new { name = "Audit walk" }))!;
        var environment = (await SendAsync<Page<EnvironmentResponse>>(api, HttpMethod.Get, $"/api/v1/projects/{project.Id}/environments", null))!.Items[0];
        var domain = $"{Guid.NewGuid():N}.example.com";
        var made = await SendAsync<JsonElement>(api, HttpMethod.Post, $"/api/v1/environments/{environment.Id}/applications",
            new { name = "web", gitUrl = "https://git.example.com/acme/web.git", domains = new[] { domain } });
        var application = (Id: made.GetProperty("id").GetGuid(), Slug: made.GetProperty("slug").GetString()!);
        await SendAsync<object>(api, HttpMethod.Put, $"/api/v1/applications/{application.Id}/variables/STRIPE_KEY", new { value = SecretValue, isSecret = true, isBuildTime = false });
        await SendAsync<object>(api, HttpMethod.Put, $"/api/v1/projects/{project.Id}/members/{member.Login}", new { role = "deployer" });
        await SendAsync<object>(api, HttpMethod.Put, $"/api/v1/applications/{application.Id}/routing", new { redirectToHttps = true, compression = true });
        var newDomain = $"{Guid.NewGuid():N}.example.com";
        await SendAsync<object>(api, HttpMethod.Put, $"/api/v1/applications/{application.Id}",
            new { name = "web", gitUrl = "https://git.example.com/acme/web.git", domains = new[] { newDomain } });
        await SendAsync<object>(api, HttpMethod.Post, $"/api/v1/applications/{application.Id}/deployments", new { });
        await SendAsync<object>(api, HttpMethod.Put, $"/api/v1/users/{member.Id}/role", new { role = "admin" });
        await SendAsync<object>(api, HttpMethod.Put, "/api/v1/settings/repositories", new { allowLocalAndPrivate = false });
        await SendAsync<object>(api, HttpMethod.Put, "/api/v1/settings/audit-retention", new { days = 400 });
        await SendAsync<object>(api, HttpMethod.Delete, $"/api/v1/me/tokens/{spare.Token.Id}", null);

        // A secret reveal is the browser's (the API never answers a secret's value): Core, as the page calls it.
        var variables = _app.Get<VariableService>();
        var secret = (await variables.ListAsync(adminActor, application.Id)).Value!.Single(v => v.Key == "STRIPE_KEY");
        Assert.Equal(SecretValue, (await variables.RevealAsync(adminActor with { ClientAddress = Loopback }, secret.Id)).Value);

        await SendAsync<object>(api, HttpMethod.Delete, $"/api/v1/applications/{application.Id}", null);
        await SendAsync<object>(api, HttpMethod.Delete, $"/api/v1/projects/{project.Id}", null);

        var byToken = new (string Action, string Target, Guid? Project, string? Detail)[]
        {
            (AuditActions.ProjectCreated, $"project:{project.Slug}", project.Id, null),
            (AuditActions.ApplicationCreated, $"application:{application.Slug}", project.Id, null),
            (AuditActions.VariablesSet, $"application:{application.Slug}", project.Id, null),
            (AuditActions.MemberSet, $"project:{project.Id}", project.Id, $"{member.Login} as Deployer"),
            (AuditActions.RoutingUpdated, $"application:{application.Slug}", project.Id, "before: "),
            (AuditActions.ApplicationUpdated, $"application:{application.Slug}", project.Id, $"domains before: {domain}; after: {newDomain}"),
            (AuditActions.DeploymentQueued, $"application:{application.Slug}", project.Id, null),
            (AuditActions.RoleChanged, $"user:{member.Login}", null, "Member -> Admin"),
            (AuditActions.RepositoryNetworkUpdated, "settings:repositories", null, "before: local and private repositories allowed; after: local and private repositories refused"),
            (AuditActions.AuditRetentionChanged, "settings:audit-retention", null, "before: 365 days; after: 400 days"),
            (AuditActions.ApiTokenRevoked, $"api_token:{spare.Token.Id}", null, null),
            (AuditActions.ApplicationDeleted, $"application:{application.Slug}", project.Id, null),
            (AuditActions.ProjectDeleted, $"project:{project.Slug}", project.Id, null),
        };
        foreach (var (action, target, projectId, detail) in byToken)
        {
            var e = await SingleAsync(action, target);
            Assert.True((admin.Id, created.Token.Id, Loopback, projectId) == (e.ActorUserId, e.ActorTokenId, e.ClientAddress, e.ProjectId),
                $"{action}: actor {e.ActorUserId}, token {e.ActorTokenId}, address {e.ClientAddress}, project {e.ProjectId}");
            Assert.True(detail is null || e.Detail?.Contains(detail, StringComparison.Ordinal) == true, $"{action}: detail '{e.Detail}'");
        }

        var revealed = await SingleAsync(AuditActions.SecretRevealed, $"application:{application.Slug}");
        Assert.Equal((admin.Id, (Guid?)null, Loopback, (Guid?)project.Id, "STRIPE_KEY"), (revealed.ActorUserId, revealed.ActorTokenId, revealed.ClientAddress, revealed.ProjectId, revealed.Detail));

        // Two-factor: enrolment (the member's own) and an administrator's reset of it.
        var twoFactor = _app.Get<TwoFactorService>();
        var start = (await twoFactor.BeginAsync(Actor.From(member))).Value!;
        Assert.True((await twoFactor.ConfirmAsync(Actor.From(member), TotpCodes.Now(start.Secret))).IsSuccess);
        Assert.True((await _app.Get<TwoFactorAdministration>().ResetAsync(adminActor, member.Id)).IsSuccess);
        Assert.Equal(member.Id, (await SingleAsync(AuditActions.TwoFactorEnrolled, $"user:{member.Login}")).ActorUserId);
        Assert.Equal(admin.Id, (await SingleAsync(AuditActions.TwoFactorReset, $"user:{member.Login}")).ActorUserId);

        // The secret's value is in no event, wherever it might have leaked.
        await using var conn = new NpgsqlConnection(_app.ConnectionString);
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>(
            "SELECT count(*)::int FROM audit_events WHERE concat_ws(' ', action, target, detail, client_address) LIKE '%' || @secret || '%'",
            new { secret = SecretValue }));
    }

    private async Task<T?> SendAsync<T>(HttpClient api, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await api.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object) ? default : await response.Content.ReadFromJsonAsync<T>();
    }

    private async Task<AuditEvent> SingleAsync(string action, string target)
    {
        await using var conn = new NpgsqlConnection(_app.ConnectionString);
        var events = (await conn.QueryAsync<AuditEvent>(
            """
            SELECT id, occurred_at, actor_user_id, actor_token_id, action, target, client_address, detail, project_id
            FROM audit_events WHERE action = @action AND target = @target ORDER BY id
            """, new { action, target })).AsList();
        Assert.True(events.Count == 1, $"{action} on {target}: {events.Count} events");
        return events[0];
    }
}
