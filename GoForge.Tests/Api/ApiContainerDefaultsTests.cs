using System.Net;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>The process limit and raw-socket switch over the API, as the application form offers them (real PostgreSQL).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiContainerDefaultsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private User _owner = null!;

    /// <summary>Out of range, and things that are not a number at all.</summary>
    public static readonly TheoryData<object> HostilePidsLimits = new() { 0, -1, 32769, 2147483647, "1024; rm -rf /", 1.5 };

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apidefaults", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_application_answers_its_process_limit_and_raw_sockets_and_a_put_changes_them()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Defaults");
        var client = await ClientAsync();
        var path = $"/api/v1/applications/{world.Application.Id}";
        var before = await (await client.GetAsync(path)).JsonAsync();

        var put = await client.SendAsync(HttpMethod.Put, path, Body(world, pidsLimit: 64, allowRawSockets: true));
        var after = await (await client.GetAsync(path)).JsonAsync();

        Assert.Equal((1024, false), (before.GetProperty("pidsLimit").GetInt32(), before.GetProperty("allowRawSockets").GetBoolean()));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal((64, true), (after.GetProperty("pidsLimit").GetInt32(), after.GetProperty("allowRawSockets").GetBoolean()));
    }

    [Theory]
    [MemberData(nameof(HostilePidsLimits))]
    public async Task A_hostile_process_limit_is_400_and_changes_nothing(object value)
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Hostile limits");
        var client = await ClientAsync();
        var path = $"/api/v1/applications/{world.Application.Id}";
        var before = (await (await client.GetAsync(path)).JsonAsync()).ToString();

        var refused = await client.SendAsync(HttpMethod.Put, path, Body(world, value, allowRawSockets: true));

        var problem = await refused.AssertProblemAsync(400);
        Assert.Contains("pidsLimit", problem.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, (await (await client.GetAsync(path)).JsonAsync()).ToString());
    }

    private static Dictionary<string, object?> Body(ApiWorld world, object pidsLimit, bool allowRawSockets) => new()
    {
        ["name"] = world.Application.Name,
        ["gitUrl"] = world.Application.GitUrl,
        ["containerPort"] = world.Application.ContainerPort,
        ["pidsLimit"] = pidsLimit,
        ["allowRawSockets"] = allowRawSockets,
    };

    private async Task<HttpClient> ClientAsync() => _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read | ApiScope.Write));
}
