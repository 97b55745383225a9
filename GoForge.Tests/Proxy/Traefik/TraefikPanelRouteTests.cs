using GoForge.Infrastructure.Proxy;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Web.Hosting;
using GoForge.Web.Proxy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Proxy.Traefik;

/// <summary>The panel's own Traefik route, written at start by <see cref="TraefikPanelRoute"/>.</summary>
public sealed class TraefikPanelRouteTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("goforge-traefik-panel-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PanelFile => Path.Combine(_folder, TraefikFileRoutes.PanelFile);

    private async Task StartAsync(ProxyKind kind, string? panelUpstream, string? publicUrl)
    {
        var traefik = Options.Create(new TraefikOptions { DynamicDirectory = _folder, PanelUpstream = panelUpstream is null ? null : new Uri(panelUpstream) });
        using var files = new TraefikFileRoutes(traefik, TimeProvider.System, NullLogger<TraefikFileRoutes>.Instance);
        var web = new GoForgeWebOptions { PublicUrl = publicUrl is null ? null : new Uri(publicUrl) };
        var service = new TraefikPanelRoute(Options.Create(new ProxyOptions { Kind = kind }), traefik, Options.Create(web), files, NullLogger<TraefikPanelRoute>.Instance);
        await service.StartAsync(CancellationToken.None);
    }

    [Fact]
    public async Task With_traefik_and_a_panel_upstream_the_public_hosts_route_is_written_at_start_and_validates()
    {
        await StartAsync(ProxyKind.Traefik, "http://goforge:8080", "https://panel.example.com");

        var text = await File.ReadAllTextAsync(PanelFile);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Proxy", "Traefik", "Golden", "panel.json")), text);
        TraefikSchema.AssertValid(text, TraefikFileRoutes.PanelFile);
    }

    [Theory]
    [InlineData(ProxyKind.Caddy, "http://goforge:8080", "https://panel.example.com")]
    [InlineData(ProxyKind.Traefik, null, "https://panel.example.com")]
    [InlineData(ProxyKind.Traefik, "http://goforge:8080", null)]
    public async Task Without_traefik_a_panel_upstream_or_a_public_url_no_panel_route_is_written(ProxyKind kind, string? upstream, string? publicUrl)
    {
        await StartAsync(kind, upstream, publicUrl);

        Assert.False(File.Exists(PanelFile));
    }
}
