using System.Net;
using System.Text.Json.Nodes;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static GoForge.Tests.Routing.RoutingSamples;

namespace GoForge.Tests.Proxy;

/// <summary>
/// The Caddy adapter against a real Caddy 2.6 without containers: what Caddy accepts, what it answers before any
/// upstream is dialled (allow-list, redirects), and how its refusals reach GoForge. Registration and options too.
/// </summary>
public sealed class CaddyProxyRoutesTests(CaddyFixture caddy) : IClassFixture<CaddyFixture>
{
    private static readonly RouteUpstream Upstream = new("goforge-shop-0123456789ab", "172.30.0.9", 8080);

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddProxyRoutes();
        return services.BuildServiceProvider();
    }

    private ServiceProvider CaddyServices(string? serverName = null, bool automaticHttps = false, string? adminUrl = null) => Services(new()
    {
        ["GoForge:Proxy:Kind"] = "Caddy",
        [$"{CaddyOptions.SectionName}:AdminUrl"] = adminUrl ?? caddy.AdminUrl.ToString(),
        [$"{CaddyOptions.SectionName}:ServerName"] = serverName ?? CaddyFixture.ServerName,
        [$"{CaddyOptions.SectionName}:AutomaticHttps"] = automaticHttps ? "true" : "false",
    });

    /// <summary>A target of its own (a fresh application id), so tests sharing the Caddy never share a route.</summary>
    private static RouteTarget FreshTarget(Func<RoutingSettings, RoutingSettings> settings, params AppDomainRoute[] domains)
    {
        var id = Guid.NewGuid();
        return Target(App(domains) with { Id = id }, settings(RoutingSettings.Defaults(id)));
    }

    [Fact]
    public void The_kind_setting_picks_the_adapter_and_traefik_is_the_default()
    {
        using var traefik = Services([]);
        using var caddyServices = Services(new() { ["GoForge:Proxy:Kind"] = "Caddy" });

        Assert.IsType<TraefikFileRoutes>(traefik.GetRequiredService<IProxyRoutes>());
        Assert.IsType<CaddyProxyRoutes>(caddyServices.GetRequiredService<IProxyRoutes>());
    }

    [Fact]
    public void The_preview_is_the_route_apply_sends_dialling_the_container_by_name_when_it_has_no_address_yet()
    {
        using var services = CaddyServices();
        var target = FreshTarget(s => s);

        var preview = JsonNode.Parse(services.GetRequiredService<IProxyRoutes>().Preview(target, Upstream with { Address = null }))!;

        Assert.Equal(CaddyRoutes.For(target, $"{Upstream.ContainerName}:8080", automaticHttps: false).ToJsonString(), preview.ToJsonString());
    }

    [Theory]
    [InlineData("AdminUrl", "http://10.0.0.5:2019")]
    [InlineData("AdminUrl", "http://caddy.example.com:2019")]
    [InlineData("AdminUrl", "https://127.0.0.1:2019")]
    [InlineData("AdminUrl", "http://user:pw@127.0.0.1:2019")]
    [InlineData("AdminUrl", "http://127.0.0.1:2019/config/")]
    [InlineData("ServerName", "srv/../x")]
    [InlineData("ServerName", "")]
    public void A_bad_caddy_setting_fails_naming_its_key(string key, string value)
    {
        using var services = Services(new() { ["GoForge:Proxy:Kind"] = "Caddy", [$"{CaddyOptions.SectionName}:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CaddyOptions>>().Value);
        Assert.Contains($"{CaddyOptions.SectionName}:{key}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:2019")]
    [InlineData("http://localhost:2019/")]
    [InlineData("http://[::1]:2019")]
    public void A_loopback_admin_url_is_accepted(string url)
    {
        using var services = Services(new() { [$"{CaddyOptions.SectionName}:AdminUrl"] = url });

        Assert.Equal(url.TrimEnd('/') + "/", services.GetRequiredService<IOptions<CaddyOptions>>().Value.AdminUrl!.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Caddy_accepts_the_route_of_every_middleware_at_once(bool automaticHttps)
    {
        using var services = CaddyServices(automaticHttps: automaticHttps);
        var target = FreshTarget(s => s with
        {
            WwwRedirect = WwwRedirect.ToApex,
            BasicAuthUsers = [new BasicAuthUser("alice", Hash)],
            IpAllowList = ["10.0.0.0/8", "2001:db8::/32"],
            RateLimit = new RateLimit(20, 40),
            SecurityHeaders = true,
            ResponseHeaders = [new ResponseHeader("Content-Security-Policy", "default-src 'self'")],
            StripPathPrefix = true,
            Compression = true,
        }, new AppDomainRoute("www.combined.test", null), new AppDomainRoute("shop.combined.test", "/api"));

        await services.GetRequiredService<IProxyRoutes>().ApplyAsync(target, Upstream);

        var route = (await caddy.FindByIdAsync(CaddyRoutes.RouteId(target.ApplicationId)))!.ToJsonString();
        Assert.Contains("\"172.30.0.9:8080\"", route, StringComparison.Ordinal);
        Assert.Contains("strip_path_prefix", route, StringComparison.Ordinal);
        Assert.Equal(automaticHttps, route.Contains("\"protocol\":\"http\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_outside_the_allow_list_gets_403_before_any_upstream_is_dialled()
    {
        using var services = CaddyServices();
        var target = FreshTarget(s => s with { IpAllowList = ["10.0.0.0/8"] }, new AppDomainRoute("allow.test", null));

        await services.GetRequiredService<IProxyRoutes>().ApplyAsync(target, Upstream);

        Assert.Equal(HttpStatusCode.Forbidden, (await caddy.GetAsync("allow.test")).Status);
    }

    [Fact]
    public async Task A_www_redirect_answers_308_with_the_canonical_host()
    {
        using var services = CaddyServices();
        var target = FreshTarget(s => s with { WwwRedirect = WwwRedirect.ToWww }, new AppDomainRoute("redirect.test", null));

        await services.GetRequiredService<IProxyRoutes>().ApplyAsync(target, Upstream);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{caddy.HttpPort}/page?q=1"));
        request.Headers.Host = "redirect.test";
        using var response = await caddy.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("http://www.redirect.test/page?q=1", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("{env.HOME}")]
    [InlineData("a\\{env.HOME}b}")]
    public async Task A_header_value_that_slipped_past_validation_is_sent_literally_never_as_a_caddy_placeholder(string value)
    {
        using var services = CaddyServices();
        using var upstream = new HttpListener();
        var port = HostSystem.FreeTcpPort();
        upstream.Prefixes.Add($"http://*:{port}/"); // any Host: Caddy passes the request's own (placeholder.test) on
        upstream.Start();
        var answering = AnswerOnceAsync(upstream, "upstream");
        var id = Guid.NewGuid();

        // Below validation: RouteTarget.Create refuses braces, so the target is built the way only a bug could build it.
        var target = (RouteTarget)typeof(RouteTarget)
            .GetConstructors(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
            .Single()
            .Invoke([id, "placeholder", new[] { new AppDomainRoute("placeholder.test", null) }, port, "goforge-test",
                RoutingSettings.Defaults(id) with { ResponseHeaders = [new ResponseHeader("X-Leak", value)] }]);
        await services.GetRequiredService<IProxyRoutes>().ApplyAsync(target, Upstream with { Address = "127.0.0.1", Port = port });

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{caddy.HttpPort}/"));
        request.Headers.Host = "placeholder.test";
        using var response = await caddy.Client.SendAsync(request);
        await answering;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("upstream", await response.Content.ReadAsStringAsync());
        Assert.Equal(value, Assert.Single(response.Headers.GetValues("X-Leak")));
    }

    private static async Task AnswerOnceAsync(HttpListener listener, string body)
    {
        var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = 200;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    [Fact]
    public async Task Applying_again_replaces_the_route_in_place_and_removing_it_twice_is_fine()
    {
        using var services = CaddyServices();
        var proxy = services.GetRequiredService<IProxyRoutes>();
        var target = FreshTarget(s => s, new AppDomainRoute("twice.test", null));
        var id = CaddyRoutes.RouteId(target.ApplicationId);

        await proxy.ApplyAsync(target, Upstream);
        await proxy.ApplyAsync(target, Upstream with { Address = "172.30.0.10" });

        using var config = await caddy.Client.GetAsync(new Uri(caddy.AdminUrl, $"config/apps/http/servers/{CaddyFixture.ServerName}/routes"));
        var routes = await config.Content.ReadAsStringAsync();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(routes, $"\"@id\":\"{id}\""));
        Assert.Contains("172.30.0.10:8080", (await caddy.FindByIdAsync(id))!.ToJsonString(), StringComparison.Ordinal);

        await proxy.RemoveAsync(target.ApplicationId);
        await proxy.RemoveAsync(target.ApplicationId);
        Assert.Null(await caddy.FindByIdAsync(id));
    }

    [Fact]
    public async Task A_change_caddy_refuses_is_a_proxy_exception_carrying_caddys_message()
    {
        using var services = CaddyServices(serverName: "not-configured");

        var error = await Assert.ThrowsAsync<ProxyException>(() =>
            services.GetRequiredService<IProxyRoutes>().ApplyAsync(FreshTarget(s => s, new AppDomainRoute("refused.test", null)), Upstream));

        // A new route first reads the server's routes (an empty list takes an append), so a missing server is Caddy's 400.
        Assert.Contains("Caddy refused the change (400)", error.Message, StringComparison.Ordinal);
        Assert.Contains("servers/not-configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_api_nobody_listens_on_is_a_proxy_exception()
    {
        using var services = CaddyServices(adminUrl: $"http://127.0.0.1:{HostSystem.FreeTcpPort()}");

        var error = await Assert.ThrowsAsync<ProxyException>(() => services.GetRequiredService<IProxyRoutes>().RemoveAsync(Guid.NewGuid()));

        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
    }
}
