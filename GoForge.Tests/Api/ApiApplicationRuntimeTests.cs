using System.Net;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>
/// Apply, stop, start and restart through the API as people other than a deployer: a viewer of the project is
/// refused (403) and a user outside it does not see the application (404), before anything reaches the engine.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiApplicationRuntimeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly string[] Actions = ["apply", "stop", "start", "restart"];

    private GoForgeApp _app = null!;
    private User _owner = null!;
    private ApiWorld _world = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apiruntime", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
        _world = await ApiWorld.CreateAsync(_app, _owner, "Runtime");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_viewer_with_the_deploy_scope_is_refused_403_for_each_runtime_action()
    {
        var viewer = await _app.CreateUserAsync();
        await _app.Services.AddMemberAsync(Actor.From(_owner), _world.Project.Id, viewer.Login, ProjectRole.Viewer);
        var client = _app.TokenClient(await _app.CreateTokenAsync(viewer, ApiScope.Deploy | ApiScope.Read));

        foreach (var action in Actions)
        {
            var response = await client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{_world.Application.Id}/{action}", null);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/applications/{_world.Application.Id}/runtime")).StatusCode);
    }

    [Fact]
    public async Task Another_projects_application_is_404_for_each_runtime_action()
    {
        var stranger = await _app.CreateUserAsync();
        var client = _app.TokenClient(await _app.CreateTokenAsync(stranger, ApiScope.Deploy | ApiScope.Read));

        foreach (var action in Actions)
        {
            var response = await client.SendAsync(HttpMethod.Post, $"/api/v1/applications/{_world.Application.Id}/{action}", null);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/applications/{_world.Application.Id}/runtime")).StatusCode);
    }
}
