using System.Net;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Proxy;

/// <summary>
/// The real panel (Program.cs) configured as the production Caddy stack configures it: admin API on the socket,
/// <c>PanelUpstream</c> and <c>PublicUrl</c> set. It routes itself through Caddy's production base config.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CaddyPanelProcessTests(PostgresFixture postgres, DockerFixture docker, CaddySocketFixture caddy)
    : IClassFixture<DockerFixture>, IClassFixture<CaddySocketFixture>
{
    [Fact]
    public async Task The_panel_puts_its_own_route_in_caddy_through_the_socket_and_answers_through_it()
    {
        var port = HostSystem.FreeTcpPort();
        await using var app = await GoForgeApp.StartAsync(postgres, "caddy_panel_process", kestrel: true, settings: new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:PublicUrl"] = "https://panel.process.test",
            ["GoForge:Proxy:Kind"] = "Caddy",
            [$"{CaddyOptions.SectionName}:AdminSocket"] = caddy.AdminSocket,
            [$"{CaddyOptions.SectionName}:AutomaticHttps"] = "false",
            [$"{CaddyOptions.SectionName}:PanelUpstream"] = $"127.0.0.1:{port}",
        }, listen: kestrel => kestrel.Listen(IPAddress.Loopback, port));

        await Wait.UntilAsync(async () => await caddy.FindByIdAsync(CaddyRoutes.PanelRouteId) is not null, "the panel's route in Caddy");

        var (status, body) = await caddy.GetAsync("panel.process.test", "/healthz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"status\":\"Healthy\"", body, StringComparison.Ordinal);
    }
}
