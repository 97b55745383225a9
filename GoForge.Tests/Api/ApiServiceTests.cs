using System.Text.Json;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>The catalog and an environment's services over /api/v1, without starting a container.</summary>
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
        var services = _app.Get<ServiceInstanceService>();
        var preview = await services.PreviewAsync("postgresql");
        Assert.True(preview.IsSuccess, preview.Error?.Message);
        var now = DateTimeOffset.UtcNow;
        var instance = new ServiceInstance
        {
            Id = Guid.CreateVersion7(now),
            ProjectId = world.Project.Id,
            EnvironmentId = world.Environment.Id,
            TemplateId = "postgresql",
            Version = preview.Value!.Version,
            Name = "db",
            Slug = "db",
            State = ServiceState.Stopped,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Assert.Equal(GoForge.Core.Projects.SaveOutcome.Saved, await _app.Get<IServiceInstanceRepository>().TryCreateAsync(instance, preview.Value.Inputs, null));
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Secrets));

        var response = await client.GetAsync($"/api/v1/environments/{world.Environment.Id}/services");
        var text = await response.Content.ReadAsStringAsync();
        var listed = JsonDocument.Parse(text).RootElement;

        var service = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(instance.Id.ToString(), service.GetProperty("id").GetString());
        Assert.Equal("stopped", service.GetProperty("state").GetString());
        Assert.Equal("db", service.GetProperty("host").GetString());
        Assert.All(preview.Value.Inputs.Values.Where(v => v.Length >= 8), v => Assert.DoesNotContain(v, text, StringComparison.Ordinal));
    }
}
