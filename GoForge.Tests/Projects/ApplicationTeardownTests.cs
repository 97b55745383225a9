using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Projects;

/// <summary>
/// Deleting an application, environment or project when the proxy cannot take the routes away: nothing is deleted,
/// so deleting again (once the proxy is back) finishes the job. The happy path runs on Caddy in CaddyRoutingTests.
/// </summary>
public sealed class ApplicationTeardownTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly RefusingProxy _proxy = new();
    private readonly Actor _admin = new(Guid.NewGuid(), "admin", UserRole.Admin);

    public ApplicationTeardownTests()
    {
        var services = new ServiceCollection();
        services.AddInMemoryProjects();
        services.AddSingleton<IProxyRoutes>(_proxy);
        _services = services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private async Task<(Project Project, ProjectEnvironment Environment, Application App)> CreateAsync()
    {
        var project = (await _services.GetRequiredService<ProjectService>().CreateAsync(_admin, new ProjectInput("Shop", null))).Value!;
        var environment = (await _services.GetRequiredService<EnvironmentService>().ListAsync(_admin, project.Id)).Value![0];
        var app = await _services.GetRequiredService<ApplicationService>().CreateAsync(_admin, environment.Id, new ApplicationInput
        {
            Name = "web", GitUrl = "https://example.com/web.git", Domains = "web.example.com",
        });
        Assert.True(app.IsSuccess, app.Error?.Message);
        // It was deployed once: without an image it would never have had a route or container to take away.
        ((NoDeploymentRepository)_services.GetRequiredService<IDeploymentRepository>()).History.Add(new Deployment
        {
            Id = Guid.NewGuid(),
            ApplicationId = app.Value!.Id,
            State = DeploymentState.Running,
            Source = DeploymentSource.Manual,
            ImageTag = "goforge/web:1",
            ContainerId = "c0ffee",
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        });
        return (project, environment, app.Value!);
    }

    [Fact]
    public async Task An_application_whose_route_cannot_be_removed_is_not_deleted_and_deleting_again_later_succeeds()
    {
        var (_, _, app) = await CreateAsync();
        var applications = _services.GetRequiredService<ApplicationService>();

        var refused = await applications.DeleteAsync(_admin, app.Id);

        Assert.Equal(ErrorKind.Conflict, refused.Error?.Kind);
        Assert.Contains("caddy is down", refused.Error!.Message, StringComparison.Ordinal);
        Assert.NotNull(await _services.GetRequiredService<IApplicationRepository>().GetAsync(app.Id));

        _proxy.Refuse = false;
        Assert.True((await applications.DeleteAsync(_admin, app.Id)).IsSuccess);
        Assert.Null(await _services.GetRequiredService<IApplicationRepository>().GetAsync(app.Id));
        Assert.Equal([app.Id], _proxy.Removed);
    }

    [Fact]
    public async Task An_application_never_deployed_is_deleted_without_asking_the_proxy_or_engine()
    {
        var (_, _, app) = await CreateAsync();
        ((NoDeploymentRepository)_services.GetRequiredService<IDeploymentRepository>()).History.Clear();

        Assert.True((await _services.GetRequiredService<ApplicationService>().DeleteAsync(_admin, app.Id)).IsSuccess);
        Assert.Empty(_proxy.Removed);
    }

    [Fact]
    public async Task Deleting_an_environment_or_project_takes_the_routes_of_their_applications_away_first()
    {
        var (project, environment, app) = await CreateAsync();

        Assert.Equal(ErrorKind.Conflict, (await _services.GetRequiredService<EnvironmentService>().DeleteAsync(_admin, environment.Id)).Error?.Kind);
        Assert.Equal(ErrorKind.Conflict, (await _services.GetRequiredService<ProjectService>().DeleteAsync(_admin, project.Id)).Error?.Kind);
        Assert.NotNull(await _services.GetRequiredService<IApplicationRepository>().GetAsync(app.Id));

        _proxy.Refuse = false;
        Assert.True((await _services.GetRequiredService<ProjectService>().DeleteAsync(_admin, project.Id)).IsSuccess);
        Assert.Equal([app.Id], _proxy.Removed);
    }

    private sealed class RefusingProxy : IProxyRoutes
    {
        public bool Refuse { get; set; } = true;

        public List<Guid> Removed { get; } = [];

        public string Preview(RouteTarget target, RouteUpstream upstream) => string.Empty;

        public Task ApplyAsync(RouteTarget target, RouteUpstream upstream, CancellationToken ct = default) => Task.CompletedTask;

        public Task<ProxyRouteTable?> ReadRoutesAsync(CancellationToken ct = default) => Task.FromResult<ProxyRouteTable?>(null);

        public Task RemoveAsync(Guid applicationId, CancellationToken ct = default)
        {
            if (Refuse)
            {
                throw new ProxyException("caddy is down");
            }

            Removed.Add(applicationId);
            return Task.CompletedTask;
        }
    }
}
