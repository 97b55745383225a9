using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoForge.Core.Routing;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Caddy;

/// <summary>Reads GoForge's server from Caddy's admin API: reachable when the API answers, with the number of routes it holds.</summary>
internal sealed class CaddyProxyProbe(IHttpClientFactory clients, IOptions<CaddyOptions> options) : IProxyProbe
{
    public async Task<ProxyReachability> ProbeAsync(CancellationToken ct = default)
    {
        var settings = options.Value;
        var client = clients.CreateClient(CaddyProxyRoutes.ClientName);
        var url = CaddyAdminTransport.Url(settings, $"config/apps/http/servers/{settings.ServerName}/routes");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.RequestTimeout);
        try
        {
            using var response = await client.GetAsync(url, timeout.Token);
            // Caddy answers a path into config it does not have with 400 or 404 ("invalid traversal path").
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
            {
                return new(ProxyReachabilityState.Unreachable, NoServer(settings));
            }

            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                return new(ProxyReachabilityState.Unreachable, $"Caddy's admin API at {settings.AdminEndpoint} answered {(int)response.StatusCode}: {Shorten(body)}");
            }

            var routes = await response.Content.ReadFromJsonAsync<JsonNode?>(timeout.Token);
            var detail = routes is JsonArray list
                ? string.Create(CultureInfo.InvariantCulture, $"Caddy's admin API at {settings.AdminEndpoint} answers; server '{settings.ServerName}' has {list.Count} route(s).")
                : NoServer(settings);
            return new(routes is JsonArray ? ProxyReachabilityState.Reachable : ProxyReachabilityState.Unreachable, detail);
        }
        catch (HttpRequestException e)
        {
            return new(ProxyReachabilityState.Unreachable, $"Caddy's admin API at {settings.AdminEndpoint} could not be reached: {e.Message}");
        }
        catch (JsonException)
        {
            return new(ProxyReachabilityState.Unreachable, $"Caddy's admin API at {settings.AdminEndpoint} answered something that is not Caddy's JSON config.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(ProxyReachabilityState.Unreachable, $"Caddy's admin API at {settings.AdminEndpoint} did not answer within {settings.RequestTimeout.TotalSeconds:0.#} s.");
        }
    }

    private static string NoServer(CaddyOptions settings) =>
        $"Caddy's admin API at {settings.AdminEndpoint} answers, but its config has no server '{settings.ServerName}': routes cannot be added until it is defined ({CaddyOptions.SectionName}:{nameof(CaddyOptions.ServerName)}).";

    private static string Shorten(string body) => body.Length > 300 ? body[..300] : body.Trim();
}
