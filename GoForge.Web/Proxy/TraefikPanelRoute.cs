using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Web.Hosting;
using Microsoft.Extensions.Options;

namespace GoForge.Web.Proxy;

/// <summary>
/// At start, with Traefik as the proxy and <c>GoForge:Proxy:Traefik:PanelUpstream</c> set, writes the panel's own
/// route (<see cref="TraefikFileRoutes.PanelFile"/>): <c>GoForge:PublicUrl</c>'s host on HTTPS to the panel. Written
/// again at every start, so a lost or stale file heals with a restart. A file that cannot be written stops start-up.
/// </summary>
internal sealed partial class TraefikPanelRoute(
    IOptions<ProxyOptions> proxy,
    IOptions<TraefikOptions> traefik,
    IOptions<GoForgeWebOptions> web,
    TraefikFileRoutes files,
    ILogger<TraefikPanelRoute> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (proxy.Value.Kind != ProxyKind.Traefik || traefik.Value.PanelUpstream is null)
        {
            return;
        }

        if (web.Value.PublicUrl is not { } url)
        {
            PanelRouteSkipped(logger, $"{TraefikOptions.SectionName}:{nameof(TraefikOptions.PanelUpstream)} is set but {GoForgeWebOptions.SectionName}:{nameof(GoForgeWebOptions.PublicUrl)} is not: no host to route");
            return;
        }

        try
        {
            await files.WritePanelRouteAsync(url.IdnHost, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new ProxyException($"The panel's Traefik route cannot be written for {url}: {e.Message}", e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1314, Level = LogLevel.Warning, Message = "The panel's Traefik route is not written: {Reason}")]
    private static partial void PanelRouteSkipped(ILogger logger, string reason);
}
