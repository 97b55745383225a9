using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoForge.Core.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy.Caddy;

/// <summary>
/// Routes through Caddy's JSON admin API: one route per application, identified by <c>@id</c>. A redeploy replaces
/// the route in place (<c>PATCH /id/…</c>) and a new one is inserted at the top of the server's routes; Caddy applies every config change as a whole new config, switching
/// atomically with its listeners kept open, so no request sees a half-updated route and the old upstream serves until
/// the switch. Calls are serialised, so two deployments cannot both find the route missing and add it twice.
/// </summary>
internal sealed class CaddyProxyRoutes(IHttpClientFactory clients, IOptions<CaddyOptions> options, ILogger<CaddyProxyRoutes> logger) : IProxyRoutes, IDisposable
{
    public const string ClientName = "caddy-admin";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The route as <see cref="ApplyAsync"/> would send it; an upstream without an address is shown dialled by name.</summary>
    public string Preview(RouteTarget target, RouteUpstream upstream)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(upstream);
        var settings = options.Value;
        return target.Domains.Count == 0
            ? string.Empty
            : CaddyRoutes.For(target, upstream.StoppedApplication is null ? Dial(upstream, settings.UseAddress && upstream.Address is not null) : null,
                settings.AutomaticHttps, upstream.StoppedApplication).ToJsonString(Indented);
    }

    public async Task ApplyAsync(RouteTarget target, RouteUpstream upstream, CancellationToken ct = default)
    {
        if (target.Domains.Count == 0)
        {
            // No domain, no route; one left from earlier domains goes.
            await RemoveAsync(target.ApplicationId, ct);
            return;
        }

        var settings = options.Value;
        ArgumentNullException.ThrowIfNull(upstream);
        var dial = upstream.StoppedApplication is null ? Dial(upstream, settings.UseAddress) : null;
        var id = CaddyRoutes.RouteId(target.ApplicationId);
        if (target.Settings.RateLimit is not null)
        {
            logger.RateLimitUnsupported(id);
        }

        var route = CaddyRoutes.For(target, dial, settings.AutomaticHttps, upstream.StoppedApplication).ToJsonString();
        var hosts = string.Join(", ", target.Domains.Select(d => d.ToString()));
        await _gate.WaitAsync(ct);
        try
        {
            var change = await PlaceAsync(id, route, ct);
            logger.RouteApplied(id, change, hosts, dial ?? "503 (stopped)");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Puts the panel's own route (<see cref="CaddyRoutes.PanelRouteId"/>: <paramref name="host"/> → <paramref name="dial"/>)
    /// in place unless Caddy already holds it as it should be, so a check that finds it right reloads nothing.
    /// True when it had to be added or replaced.
    /// </summary>
    public async Task<bool> EnsurePanelRouteAsync(string host, string dial, CancellationToken ct = default)
    {
        const string id = CaddyRoutes.PanelRouteId;
        var route = CaddyRoutes.Panel(host, dial, options.Value.AutomaticHttps);
        await _gate.WaitAsync(ct);
        try
        {
            using (var current = await SendAsync(HttpMethod.Get, $"id/{id}", null, ct))
            {
                if (current.StatusCode != HttpStatusCode.NotFound)
                {
                    await EnsureSuccessAsync(current, ct);
                    if (JsonNode.DeepEquals(JsonNode.Parse(await current.Content.ReadAsStringAsync(ct)), route))
                    {
                        return false;
                    }
                }
            }

            var change = await PlaceAsync(id, route.ToJsonString(), ct);
            logger.RouteApplied(id, change, host, dial);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Replaces the route <paramref name="id"/> in place, or inserts it when Caddy has none; "replaced" or "added". Called inside the gate.</summary>
    private async Task<string> PlaceAsync(string id, string route, CancellationToken ct)
    {
        using var replaced = await SendAsync(HttpMethod.Patch, $"id/{id}", route, ct);
        if (replaced.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(replaced, ct);
            return "replaced";
        }

        // Inserted first: GoForge's routes match by host and end the chain, so they go before any catch-all route the
        // operator keeps at the end of the server's list. The panel's host is reserved (PanelHostsOptions): no
        // application route inserted before the panel's can match it. Caddy 2.6.2 refuses an insert at index 0 of an
        // empty list ("array index out of bounds: 0", as in the production base config), so into an empty list the
        // route is appended (POST), which is first all the same.
        var routes = $"config/apps/http/servers/{options.Value.ServerName}/routes";
        var empty = await HasNoRoutesAsync(routes, ct);
        using var added = await SendAsync(empty ? HttpMethod.Post : HttpMethod.Put, empty ? routes : routes + "/0", route, ct);
        await EnsureSuccessAsync(added, ct);
        return "added";
    }

    private async Task<bool> HasNoRoutesAsync(string routes, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, routes, null, ct);
        await EnsureSuccessAsync(response, ct);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) is not JsonArray { Count: > 0 };
    }

    public async Task RemoveAsync(Guid applicationId, CancellationToken ct = default)
    {
        var id = CaddyRoutes.RouteId(applicationId);
        await _gate.WaitAsync(ct);
        try
        {
            using var response = await SendAsync(HttpMethod.Delete, $"id/{id}", null, ct);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                await EnsureSuccessAsync(response, ct);
            }

            logger.RouteRemoved(id, response.StatusCode != HttpStatusCode.NotFound);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ProxyRouteTable?> ReadRoutesAsync(CancellationToken ct = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"config/apps/http/servers/{options.Value.ServerName}/routes", null, ct);
        await EnsureSuccessAsync(response, ct);
        var upstreams = new Dictionary<Guid, IReadOnlyList<string>>();
        if (JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) is not JsonArray routes)
        {
            // A server without routes answers null.
            return new ProxyRouteTable(upstreams);
        }

        foreach (var route in routes.OfType<JsonObject>())
        {
            if (route["@id"] is JsonValue value && value.TryGetValue<string>(out var id) && CaddyRoutes.TryParseRouteId(id, out var owner))
            {
                var dials = new List<string>();
                CollectDials(route, dials);
                upstreams[owner] = dials;
            }
        }

        return new ProxyRouteTable(upstreams);
    }

    public void Dispose() => _gate.Dispose();

    private static void CollectDials(JsonNode? node, List<string> dials)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    if (key == "dial" && child is JsonValue v && v.TryGetValue<string>(out var dial))
                    {
                        dials.Add(dial);
                    }
                    else
                    {
                        CollectDials(child, dials);
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    CollectDials(child, dials);
                }

                break;
        }
    }

    internal static string Dial(RouteUpstream upstream, bool useAddress)
    {
        var port = upstream.Port.ToString(CultureInfo.InvariantCulture);
        if (!useAddress)
        {
            return $"{upstream.ContainerName}:{port}";
        }

        if (upstream.Address is null || !IPAddress.TryParse(upstream.Address, out var address))
        {
            throw new ProxyException($"Container {upstream.ContainerName} has no address on the proxy's network, so Caddy cannot reach it.");
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json, CancellationToken ct)
    {
        var settings = options.Value;
        var client = clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(method, CaddyAdminTransport.Url(settings, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.RequestTimeout);
        try
        {
            return await client.SendAsync(request, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw new ProxyException($"Caddy's admin API at {settings.AdminEndpoint} could not be reached: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ProxyException($"Caddy's admin API at {settings.AdminEndpoint} did not answer {method} /{path} within {settings.RequestTimeout.TotalSeconds:0.#} s.", e);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(ct);
        var reason = CaddyError(body);
        var request = response.RequestMessage;
        logger.AdminRefused(request?.Method.Method ?? "?", request?.RequestUri?.AbsolutePath ?? "?", (int)response.StatusCode, reason);
        throw new ProxyException($"Caddy refused the change ({(int)response.StatusCode}): {reason}");
    }

    /// <summary>Caddy answers errors as <c>{"error":"…"}</c>; anything else is shown as it came, cut short.</summary>
    private static string CaddyError(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject o && o["error"] is JsonValue error && error.TryGetValue<string>(out var message))
            {
                return message;
            }
        }
        catch (JsonException)
        {
        }

        return body.Length > 500 ? body[..500] : body;
    }
}
