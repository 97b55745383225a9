using GoForge.Core.Deployments;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Monitoring;

/// <summary>The dashboard's two batched reads on PostgreSQL: every application of the actor's projects, and the newest deployments across them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DashboardServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(postgres, "dashboard");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_dashboard_lists_the_applications_of_every_environment_of_the_actors_projects_and_the_ten_newest_deployments_across_them()
    {
        var ada = Actor.From(await TestUsers.CreateAsync(_host));
        var bob = Actor.From(await TestUsers.CreateAsync(_host));
        var (shop, production) = await _host.Services.CreateProjectAsync(ada, "Shop");
        var staging = (await _host.Get<EnvironmentService>().CreateAsync(ada, shop.Id, "staging")).Value!;
        var (blog, blogProduction) = await _host.Services.CreateProjectAsync(ada, "Blog");
        var (_, elsewhere) = await _host.Services.CreateProjectAsync(bob, "Not Ada's");
        var web = await _host.Services.CreateApplicationAsync(ada, production.Id, "web");
        var preview = await _host.Services.CreateApplicationAsync(ada, staging.Id, "preview");
        var posts = await _host.Services.CreateApplicationAsync(ada, blogProduction.Id, "posts");
        var hidden = await _host.Services.CreateApplicationAsync(bob, elsewhere.Id, "hidden");
        var deployments = _host.Get<DeploymentService>();
        var queued = new List<Deployment>();
        foreach (var app in new[] { web, preview, posts, web, preview, posts, web, preview, posts, web, preview, posts })
        {
            queued.Add((await deployments.EnqueueAsync(ada, app.Id)).Value!);
        }

        Assert.True((await deployments.EnqueueAsync(bob, hidden.Id)).IsSuccess);

        var summary = (await _host.Get<DashboardService>().GetAsync(ada)).Value!;

        Assert.Equal(["posts", "preview", "web"], summary.Applications.Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.Equal(blog.Id, summary.Applications.Single(a => a.Name == "posts").ProjectId);
        Assert.Equal("Shop", summary.Applications.Single(a => a.Name == "preview").ProjectName);
        Assert.Equal(3, summary.Counts[ApplicationHealth.NotDeployed]);
        var newestTen = queued.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(DashboardService.RecentDeploymentCount).Select(d => d.Id);
        Assert.Equal(newestTen, summary.RecentDeployments.Select(d => d.Deployment.Id));
        Assert.All(summary.RecentDeployments, d => Assert.Equal(new[] { web, preview, posts }.Single(a => a.Id == d.Deployment.ApplicationId).Name, d.ApplicationName));
    }
}
