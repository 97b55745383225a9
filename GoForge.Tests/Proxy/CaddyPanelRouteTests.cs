using System.Net;
using GoForge.Core.Reconciliation;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Proxy;

/// <summary>
/// The panel's own route in a Caddy started from the production base config, driven through its admin socket: put in
/// place at start, kept by a reconciler pass, put back after Caddy restarts from its base config; and what the
/// panel learns of the client through it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CaddyPanelRouteTests(PostgresFixture postgres, DockerFixture docker, CaddySocketFixture caddy)
    : IClassFixture<DockerFixture>, IClassFixture<CaddySocketFixture>, IAsyncLifetime
{
    private const string PanelHost = "panel.socket.test";
    private readonly UpstreamStandIn _panel = new("the panel");
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "caddy_panel_route", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Proxy:Kind"] = "Caddy",
            [$"{CaddyOptions.SectionName}:AdminSocket"] = caddy.AdminSocket,
            [$"{CaddyOptions.SectionName}:UseAddress"] = "true",
            [$"{CaddyOptions.SectionName}:AutomaticHttps"] = "false",
            [$"{CaddyOptions.SectionName}:PanelUpstream"] = _panel.Dial,
            [$"{CaddyOptions.SectionName}:PanelRouteCheckInterval"] = "00:00:01",
        }, services => services.AddCaddyPanelRoute(_ => new Uri($"https://{PanelHost}/")));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _panel.Dispose();
    }

    /// <summary>Until Caddy's panel route dials this test's stand-in (each test has its own; Caddy is the class's).</summary>
    private Task WaitForPanelRouteAsync() =>
        Wait.UntilAsync(async () => (await caddy.FindByIdAsync(CaddyRoutes.PanelRouteId))?.ToJsonString().Contains($"\"{_panel.Dial}\"", StringComparison.Ordinal) == true,
            "the panel's route in Caddy");

    [Fact]
    public async Task The_panel_route_is_put_in_place_at_start_and_a_reconciler_pass_keeps_it()
    {
        await WaitForPanelRouteAsync();
        var placed = (await caddy.FindByIdAsync(CaddyRoutes.PanelRouteId))!.ToJsonString();

        await _host.Get<Reconciler>().RunAsync(CancellationToken.None);

        Assert.Equal(placed, (await caddy.FindByIdAsync(CaddyRoutes.PanelRouteId))?.ToJsonString());
        Assert.Contains($"\"{_panel.Dial}\"", placed, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "the panel"), await caddy.GetAsync(PanelHost));
    }

    [Fact]
    public async Task The_panel_sees_the_clients_own_address_in_x_forwarded_for_never_one_the_client_sent()
    {
        await WaitForPanelRouteAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{caddy.HttpPort}/"));
        request.Headers.Host = PanelHost;
        request.Headers.Add("X-Forwarded-For", "203.0.113.66");

        using var response = await caddy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", _panel.ForwardedFor[^1]);
    }

    [Fact]
    public async Task After_caddy_restarts_from_its_base_config_the_panel_route_is_put_back_and_the_reconciler_woken()
    {
        await WaitForPanelRouteAsync();

        await caddy.RestartAsync();

        await WaitForPanelRouteAsync();
        Assert.Equal((HttpStatusCode.OK, "the panel"), await caddy.GetAsync(PanelHost));
        // No reconciler worker runs in this host, so the wake-up waits here: a pass would put the applications' routes back.
        await _host.Get<ReconcileSignal>().WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None).WaitAsync(Wait.DefaultTimeout);
    }
}
