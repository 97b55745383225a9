using System.Text.Json;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>The catalog and an environment's services over /api/v1, without starting a container (the engine is unreachable).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private User _owner = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apiservices", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_catalog_filters_by_category_and_search_and_refuses_an_unknown_category()
    {
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read));

        var databases = await (await client.GetAsync("/api/v1/catalog?category=database&limit=200")).JsonAsync();
        var searched = await (await client.GetAsync("/api/v1/catalog?search=postgres&limit=200")).JsonAsync();
        var bad = await (await client.GetAsync("/api/v1/catalog?category=spaceship")).AssertProblemAsync(400);

        Assert.All(databases.GetProperty("items").EnumerateArray(), t => Assert.Equal("database", t.GetProperty("category").GetString()));
        Assert.Contains(searched.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetString() == "postgresql");
        Assert.True(bad.GetProperty("errors").TryGetProperty("category", out _));
    }

    [Fact]
    public async Task An_environments_services_are_listed_without_their_credentials()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Services");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Secrets));

        var text = await (await client.GetAsync($"/api/v1/environments/{world.Environment.Id}/services")).Content.ReadAsStringAsync();
        var one = await (await client.GetAsync($"/api/v1/services/{world.Service.Id}")).JsonAsync();

        var service = Assert.Single(JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(world.Service.Id.ToString(), service.GetProperty("id").GetString());
        Assert.Equal("stopped", service.GetProperty("state").GetString());
        Assert.Equal("db", one.GetProperty("host").GetString());
        Assert.All((await StoredInputsAsync(world)).Values.Where(v => v.Length >= 8), v => Assert.DoesNotContain(v, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_connection_masks_secret_outputs_without_the_secrets_scope_and_reveals_and_audits_with_it()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Connection");
        var path = $"/api/v1/services/{world.Service.Id}/connection";

        var masked = await (await _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read)).GetAsync(path)).JsonAsync();
        var shown = await (await _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Secrets)).GetAsync(path)).JsonAsync();

        var maskedSecrets = masked.GetProperty("outputs").EnumerateArray().Where(o => o.GetProperty("secret").GetBoolean()).ToList();
        Assert.NotEmpty(maskedSecrets);
        Assert.All(maskedSecrets, o => Assert.Equal(JsonValueKind.Null, o.GetProperty("value").ValueKind));
        Assert.All((await StoredInputsAsync(world)).Values.Where(v => v.Length >= 8), v => Assert.DoesNotContain(v, masked.ToString(), StringComparison.Ordinal));
        Assert.All(shown.GetProperty("outputs").EnumerateArray().Where(o => o.GetProperty("secret").GetBoolean()),
            o => Assert.False(string.IsNullOrEmpty(o.GetProperty("value").GetString())));
        Assert.Equal("db", masked.GetProperty("host").GetString());
        Assert.Contains(await _app.Get<GoForge.Core.Auditing.IAuditLog>().ListRecentAsync(20),
            e => e.Action == GoForge.Core.Auditing.AuditActions.ServiceCredentialsRevealed && e.ActorUserId == _owner.Id);
    }

    [Fact]
    public async Task With_the_engine_unreachable_start_ends_failed_with_the_reason_and_delete_is_refused_keeping_the_service()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "No engine");
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Write | ApiScope.Deploy));

        var started = await (await client.SendAsync(HttpMethod.Post, $"/api/v1/services/{world.Service.Id}/start?wait=60")).JsonAsync();
        var deleted = await (await client.SendAsync(HttpMethod.Delete, $"/api/v1/services/{world.Service.Id}?wait=60")).AssertProblemAsync(409);

        Assert.Equal("failed", started.GetProperty("state").GetString());
        Assert.Contains("Docker engine is not reachable", started.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("not reachable", deleted.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var kept = await (await client.GetAsync($"/api/v1/services/{world.Service.Id}")).JsonAsync();
        Assert.Equal(world.Service.Id.ToString(), kept.GetProperty("id").GetString());
    }

    private async Task<IReadOnlyDictionary<string, string>> StoredInputsAsync(ApiWorld world) =>
        (await _app.Get<IServiceInstanceRepository>().GetInputsAsync(world.Service.Id)).Inputs;
}
