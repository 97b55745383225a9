using System.Net;
using Dapper;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace GoForge.Tests.Api;

/// <summary>
/// Every /api/v1 endpoint (<see cref="ApiEndpointCase.All"/>) with the right scope, the wrong scopes, an expired token,
/// a revoked token, a token restricted to another project, and a signed-in browser's cookie alone. The project's owner
/// is a member; the <c>admin</c> endpoints are called with an administrator's tokens.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiAuthorizationMatrixTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const ApiScope EveryUserScope = ApiScope.Read | ApiScope.Deploy | ApiScope.Write | ApiScope.Secrets;

    private GoForgeApp _app = null!;
    private User _owner = null!;
    private User _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apimatrix", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
        _admin = await _app.CreateUserAsync(UserRole.Admin);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Every_endpoint_answers_a_token_with_exactly_its_scope()
    {
        var failures = new List<string>();
        foreach (var endpoint in ApiEndpointCase.All)
        {
            var world = await ApiWorld.CreateAsync(_app, _owner, "Right " + endpoint.Pattern.Length);
            var client = _app.TokenClient(await _app.CreateTokenAsync(CallerOf(endpoint), endpoint.Scope));

            var response = await client.SendAsync(new HttpMethod(endpoint.Method), endpoint.Path(world), endpoint.Body(world));

            if ((int)response.StatusCode != endpoint.Success)
            {
                failures.Add($"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await RevokeTokensAsync(CallerOf(endpoint));
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Every_endpoint_refuses_a_token_without_its_scope_with_403_naming_the_scope()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Wrong scope");
        var failures = new List<string>();
        foreach (var endpoint in ApiEndpointCase.All)
        {
            var client = _app.TokenClient(await _app.CreateTokenAsync(CallerOf(endpoint), EveryUserScope & ~endpoint.Scope));

            var response = await client.SendAsync(new HttpMethod(endpoint.Method), endpoint.Path(world), endpoint.Body(world));

            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains($"\"requiredScope\":\"{endpoint.Scope.Name()}\"", StringComparison.Ordinal))
            {
                failures.Add($"{endpoint}: {(int)response.StatusCode} {body}");
            }

            await RevokeTokensAsync(CallerOf(endpoint));
        }

        Assert.Empty(failures);
        Assert.True((await _app.Get<GoForge.Core.Projects.ProjectService>().GetAsync(Actor.From(_owner), world.Project.Id)).IsSuccess);
    }

    [Fact]
    public async Task Every_endpoint_refuses_expired_revoked_missing_and_garbled_tokens_with_401_and_a_bearer_challenge()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Refused tokens");
        var expired = await _app.CreateTokenAsync(_owner, EveryUserScope, expiresAt: DateTimeOffset.UtcNow.AddDays(1));
        await using (var conn = await _app.Get<NpgsqlDataSource>().OpenConnectionAsync())
        {
            await conn.ExecuteAsync("UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = @hash", new { hash = ApiTokenFormat.Hash(expired) });
        }

        var revoked = await _app.CreateTokenAsync(_owner, EveryUserScope);
        var revokedId = (await _app.Get<ApiTokenService>().AuthenticateAsync(revoked)).Value!.Token.Id;
        Assert.True((await _app.Get<ApiTokenService>().RevokeAsync(Actor.From(_owner), revokedId)).IsSuccess);
        var tokens = new Dictionary<string, string?>
        {
            ["expired"] = expired,
            ["revoked"] = revoked,
            ["missing"] = null,
            ["garbled"] = "gf_not-a-real-token",
        };

        var failures = new List<string>();
        foreach (var endpoint in ApiEndpointCase.All)
        {
            foreach (var (kind, token) in tokens)
            {
                var response = await _app.TokenClient(token).SendAsync(new HttpMethod(endpoint.Method), endpoint.Path(world), endpoint.Body(world));
                if (response.StatusCode != HttpStatusCode.Unauthorized
                    || !response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer")
                    || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{endpoint} with a {kind} token: {(int)response.StatusCode}");
                }
            }
        }

        Assert.Empty(failures);
        var problem = await (await _app.TokenClient(expired).GetAsync("/api/v1/me")).AssertProblemAsync(401);
        Assert.Equal(ApiTokenService.ExpiredMessage, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Every_project_endpoint_answers_a_token_restricted_to_another_project_as_not_found()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Target");
        var elsewhere = await ApiWorld.CreateAsync(_app, _owner, "Elsewhere");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, EveryUserScope, elsewhere.Project.Id));

        var failures = new List<string>();
        foreach (var endpoint in ApiEndpointCase.All)
        {
            var response = await client.SendAsync(new HttpMethod(endpoint.Method), endpoint.Path(world), endpoint.Body(world));
            if ((int)response.StatusCode != endpoint.OtherProject)
            {
                failures.Add($"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.Empty(failures);
        var listed = await (await client.GetAsync("/api/v1/projects")).JsonAsync();
        Assert.Equal([elsewhere.Project.Id.ToString()], listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Every_endpoint_refuses_a_signed_in_browsers_cookie_without_a_token()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Cookie");
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await FormClient.SignInAsync(browser, _owner.Login, TestUsers.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);

        var failures = new List<string>();
        foreach (var endpoint in ApiEndpointCase.All)
        {
            var response = await browser.SendAsync(new HttpMethod(endpoint.Method), endpoint.Path(world), endpoint.Body(world));
            if (response.StatusCode != HttpStatusCode.Unauthorized || !response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
            {
                failures.Add($"{endpoint}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }

    /// <summary>A user holds at most 50 active tokens and the matrix makes one an endpoint: revoke them as it goes.</summary>
    private async Task RevokeTokensAsync(User user)
    {
        await using var conn = await _app.Get<NpgsqlDataSource>().OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE api_tokens SET revoked_at = now() WHERE user_id = @id AND revoked_at IS NULL", new { id = user.Id });
    }

    /// <summary>Who calls an endpoint in the scope tests: an administrator for the <c>admin</c> ones, else the project's owner.</summary>
    private User CallerOf(ApiEndpointCase endpoint) => endpoint.Scope == ApiScope.Admin ? _admin : _owner;
}
