using System.Net;
using Docker.DotNet.Models;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Proxy;

/// <summary>
/// The Caddy adapter end to end: applications deployed by the real worker on the real engine and PostgreSQL, requested
/// by host name through a real Caddy.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CaddyRoutingTests(PostgresFixture postgres, DockerFixture docker, CaddyFixture caddy)
    : IClassFixture<DockerFixture>, IClassFixture<CaddyFixture>, IAsyncLifetime
{
    private CaddyPanel _panel = null!;

    public async Task InitializeAsync() => _panel = await CaddyPanel.StartAsync(postgres, docker, caddy, "caddy");

    public async Task DisposeAsync() => await _panel.DisposeAsync();

    [Fact]
    public async Task A_deployed_app_is_served_through_caddy_by_its_host_name()
    {
        var app = await _panel.CreateAppAsync("one", "app-one.test");
        app.Serve("one v1");

        await _panel.DeployAsync(app);

        Assert.Equal((HttpStatusCode.OK, "one v1"), await caddy.GetAsync("app-one.test"));
        Assert.Equal(HttpStatusCode.NotFound, (await caddy.GetAsync("other.test")).Status);
        Assert.NotNull(await caddy.FindByIdAsync(CaddyRoutes.RouteId(app.App.Id)));
    }

    [Fact]
    public async Task The_route_follows_a_redeploy_to_the_new_container_and_the_old_one_is_gone()
    {
        var app = await _panel.CreateAppAsync("redeploy", "app-redeploy.test");
        app.Serve("redeploy v1");
        var first = await _panel.DeployAsync(app);
        app.Serve("redeploy v2");

        var second = await _panel.DeployAsync(app);

        Assert.Equal((HttpStatusCode.OK, "redeploy v2"), await caddy.GetAsync("app-redeploy.test"));
        Assert.Equal([second.ContainerId!], await _panel.ContainersAsync(app.App.Id));
        Assert.NotEqual(first.ContainerId, second.ContainerId);
        var routes = (await caddy.FindByIdAsync(CaddyRoutes.RouteId(app.App.Id)))!.ToJsonString();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(routes, "\"dial\""));
    }

    [Fact]
    public async Task Deleting_the_app_removes_its_route_containers_and_images()
    {
        var app = await _panel.CreateAppAsync("doomed", "app-doomed.test");
        app.Serve("doomed");
        var deployed = await _panel.DeployAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await caddy.GetAsync("app-doomed.test")).Status);

        var deleted = await _panel.Host.Get<ApplicationService>().DeleteAsync(_panel.Owner, app.App.Id);

        Assert.True(deleted.IsSuccess, deleted.Error?.Message);
        Assert.Equal(HttpStatusCode.NotFound, (await caddy.GetAsync("app-doomed.test")).Status);
        Assert.Null(await caddy.FindByIdAsync(CaddyRoutes.RouteId(app.App.Id)));
        Assert.Empty(await _panel.ContainersAsync(app.App.Id));
        var images = await docker.Client.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [deployed.ImageTag!] = true } },
        });
        Assert.Empty(images);
    }

    [Fact]
    public async Task Two_apps_on_two_domains_each_get_only_their_own_traffic()
    {
        var one = await _panel.CreateAppAsync("left", "app-left.test");
        var two = await _panel.CreateAppAsync("right", "app-right.test");
        one.Serve("left side");
        two.Serve("right side");

        await _panel.DeployAsync(one);
        await _panel.DeployAsync(two);

        Assert.Equal((HttpStatusCode.OK, "left side"), await caddy.GetAsync("app-left.test"));
        Assert.Equal((HttpStatusCode.OK, "right side"), await caddy.GetAsync("app-right.test"));
        Assert.Equal(HttpStatusCode.NotFound, (await caddy.GetAsync("app-middle.test")).Status);
    }

    [Fact]
    public async Task Basic_auth_refuses_requests_without_credentials_and_strip_prefix_hands_the_app_the_path_without_it()
    {
        var app = await _panel.CreateAppAsync("guarded", "app-guarded.test/api");
        var routing = await _panel.Host.Get<RoutingService>().UpdateAsync(_panel.Owner, app.App.Id, new RoutingInput
        {
            BasicAuthUsers = [new BasicAuthUserInput { UserName = "ada", Password = "lovelace-1815" }],
            StripPathPrefix = true,
        });
        Assert.True(routing.IsSuccess, routing.Error?.Message);
        app.Serve("guarded");

        await _panel.DeployAsync(app);

        Assert.Equal(HttpStatusCode.Unauthorized, (await caddy.GetAsync("app-guarded.test", "/api/")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await caddy.GetAsync("app-guarded.test", "/api/", ("ada", "wrong"))).Status);
        // busybox httpd has no /api/index.html: "guarded" comes back only when Caddy removed the prefix.
        Assert.Equal((HttpStatusCode.OK, "guarded"), await caddy.GetAsync("app-guarded.test", "/api/", ("ada", "lovelace-1815")));
        Assert.Equal((HttpStatusCode.OK, "guarded"), await caddy.GetAsync("app-guarded.test", "/api/index.html", ("ada", "lovelace-1815")));
        Assert.Equal(HttpStatusCode.NotFound, (await caddy.GetAsync("app-guarded.test", "/other/", ("ada", "lovelace-1815"))).Status);
    }

    [Fact]
    public async Task A_refused_routing_setting_fails_the_deployment_before_any_container_or_route_exists()
    {
        var app = await _panel.CreateAppAsync("hostile", "app-hostile.test");
        // A row edited by hand: a header value that would split the response. The service never stores it.
        var saved = await _panel.Host.Get<IRoutingSettingsRepository>().SaveAsync(RoutingSettings.Defaults(app.App.Id) with
        {
            ResponseHeaders = [new ResponseHeader("X-Note", "ok\r\nSet-Cookie: session=stolen")],
        });
        Assert.True(saved);
        app.Serve("hostile");

        var deployment = await _panel.DeployAsync(app, expectRunning: false);

        Assert.Equal(DeploymentState.Failed, deployment.State);
        Assert.StartsWith("routing:", deployment.Reason, StringComparison.Ordinal);
        Assert.Null(await caddy.FindByIdAsync(CaddyRoutes.RouteId(app.App.Id)));
        Assert.Empty(await _panel.ContainersAsync(app.App.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await caddy.GetAsync("app-hostile.test")).Status);
    }
}
