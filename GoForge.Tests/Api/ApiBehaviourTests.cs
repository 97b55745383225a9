using System.Net;
using System.Text;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>What the API answers beyond authorization: secrets, validation, paging, JSON shape, body cap, unknown routes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiBehaviourTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private User _owner = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apibehaviour", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Secret_values_are_null_without_the_secrets_scope_and_shown_and_audited_with_it()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Secrets");
        var path = $"/api/v1/applications/{world.Application.Id}/variables";

        var masked = await (await _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read)).GetAsync(path)).JsonAsync();
        var maskedText = masked.ToString();
        var shown = await (await _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Secrets)).GetAsync(path)).JsonAsync();

        Assert.DoesNotContain(ApiWorld.SecretValue, maskedText, StringComparison.Ordinal);
        var maskedSecret = masked.GetProperty("items").EnumerateArray().Single(v => v.GetProperty("key").GetString() == ApiWorld.SecretKey);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, maskedSecret.GetProperty("value").ValueKind);
        Assert.True(maskedSecret.GetProperty("isSecret").GetBoolean());
        Assert.Equal("plain-value", masked.GetProperty("items").EnumerateArray().Single(v => v.GetProperty("key").GetString() == ApiWorld.PlainKey).GetProperty("value").GetString());
        var shownSecret = shown.GetProperty("items").EnumerateArray().Single(v => v.GetProperty("key").GetString() == ApiWorld.SecretKey);
        Assert.Equal(ApiWorld.SecretValue, shownSecret.GetProperty("value").GetString());
        Assert.Contains(await _app.Get<IAuditLog>().ListRecentAsync(20), e => e.Action == AuditActions.SecretRevealed && e.ActorUserId == _owner.Id);
    }

    [Fact]
    public async Task A_viewer_with_the_secrets_scope_still_gets_secrets_masked()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Viewer secrets");
        var viewer = await _app.CreateUserAsync();
        await _app.Services.AddMemberAsync(Actor.From(_owner), world.Project.Id, viewer.Login, GoForge.Core.Projects.ProjectRole.Viewer);

        var json = await (await _app.TokenClient(await _app.CreateTokenAsync(viewer, ApiScope.Read | ApiScope.Secrets))
            .GetAsync($"/api/v1/applications/{world.Application.Id}/variables")).JsonAsync();

        Assert.DoesNotContain(ApiWorld.SecretValue, json.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_a_secrets_value_without_flags_keeps_it_secret()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Keep secret");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Write));

        var put = await client.SendAsync(HttpMethod.Put, $"/api/v1/applications/{world.Application.Id}/variables/{ApiWorld.SecretKey}", new { value = "rotated" });
        var json = await (await client.GetAsync($"/api/v1/applications/{world.Application.Id}/variables")).JsonAsync();

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var secret = json.GetProperty("items").EnumerateArray().Single(v => v.GetProperty("key").GetString() == ApiWorld.SecretKey);
        Assert.True(secret.GetProperty("isSecret").GetBoolean());
        Assert.DoesNotContain("rotated", json.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_input_gives_400_problem_details_with_the_field_in_camel_case()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Validation");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Write));

        var project = await (await client.SendAsync(HttpMethod.Post, "/api/v1/projects", new { name = "" })).AssertProblemAsync(400);
        var app = await (await client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{world.Environment.Id}/applications", new { name = "web", gitUrl = "not a url" })).AssertProblemAsync(400);

        Assert.True(project.GetProperty("errors").TryGetProperty("name", out var messages));
        Assert.NotEmpty(messages.EnumerateArray());
        Assert.True(app.GetProperty("errors").TryGetProperty("gitUrl", out _));
    }

    [Fact]
    public async Task Lists_page_with_limit_and_cursor_until_the_cursor_is_null_and_bad_paging_is_400()
    {
        foreach (var name in new[] { "Alpha", "Bravo", "Charlie" })
        {
            await _app.Services.CreateProjectAsync(Actor.From(_owner), name);
        }

        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read));

        var first = await (await client.GetAsync("/api/v1/projects?limit=2")).JsonAsync();
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await client.GetAsync($"/api/v1/projects?limit=2&cursor={cursor}")).JsonAsync();
        var tooMany = await (await client.GetAsync($"/api/v1/projects?limit={Endpoint.MaxLimit + 1}")).AssertProblemAsync(400);
        var badCursor = await (await client.GetAsync("/api/v1/projects?cursor=bm9wZQ")).AssertProblemAsync(400);

        Assert.Equal(["Alpha", "Bravo"], first.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["Charlie"], second.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Equal("maintainer", first.GetProperty("items")[0].GetProperty("role").GetString());
        Assert.True(tooMany.GetProperty("errors").TryGetProperty("limit", out _));
        Assert.True(badCursor.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Fact]
    public async Task Me_names_the_user_and_the_token_with_scopes_as_words()
    {
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Deploy));

        var me = await (await client.GetAsync("/api/v1/me")).JsonAsync();

        Assert.Equal(_owner.Login, me.GetProperty("login").GetString());
        Assert.Equal("member", me.GetProperty("role").GetString());
        Assert.Equal(["read", "deploy"], me.GetProperty("token").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task A_body_over_the_cap_is_refused_with_413_problem_details()
    {
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Write));
        var json = "{\"name\":\"" + new string('a', 1024 * 1024) + "\"}";

        var response = await client.PostAsync("/api/v1/projects", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(413);
        Assert.Empty(await _app.Get<GoForge.Core.Projects.ProjectService>().ListAsync(Actor.From(_owner)));
    }

    [Fact]
    public async Task An_unknown_api_path_is_a_404_problem_not_the_panels_page()
    {
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read));

        var problem = await (await client.GetAsync("/api/v1/nothing-here")).AssertProblemAsync(404);

        Assert.Contains("openapi", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static class Endpoint
    {
        public const int MaxLimit = GoForge.Web.Endpoints.Api.PageRequest.MaxLimit;
    }
}
