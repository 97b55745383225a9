using GoForge.Core.Routing;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Traefik;

/// <summary>
/// GoForge talks to Traefik only through files; reachability is its <c>/ping</c> endpoint
/// (<c>--ping=true</c>), read when <see cref="TraefikOptions.PingUrl"/> is set.
/// </summary>
internal sealed class TraefikProxyProbe(IHttpClientFactory clients, IOptions<TraefikOptions> options) : IProxyProbe
{
    public const string ClientName = "traefik-ping";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<ProxyReachability> ProbeAsync(CancellationToken ct = default)
    {
        if (options.Value.PingUrl is not { } url)
        {
            return new(ProxyReachabilityState.NotConfigured, $"Not checked: set {TraefikOptions.SectionName}:{nameof(TraefikOptions.PingUrl)} to Traefik's ping endpoint (--ping=true), e.g. http://traefik:8080/ping.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync(url, timeout.Token);
            return response.IsSuccessStatusCode
                ? new(ProxyReachabilityState.Reachable, $"Traefik answers at {url}.")
                : new(ProxyReachabilityState.Unreachable, $"Traefik's ping at {url} answered {(int)response.StatusCode}.");
        }
        catch (HttpRequestException e)
        {
            return new(ProxyReachabilityState.Unreachable, $"Traefik's ping at {url} could not be reached: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(ProxyReachabilityState.Unreachable, $"Traefik's ping at {url} did not answer within {Timeout.TotalSeconds:0} s.");
        }
    }
}
