using System.Text.Json.Nodes;
using GoForge.Core.Projects;
using GoForge.Core.Routing;

namespace GoForge.Infrastructure.Proxy.Caddy;

/// <summary>
/// One application's route in Caddy's JSON config: a pure function of the <see cref="RouteTarget"/> (every value in it
/// has passed <see cref="RoutingInputRules"/>) and the upstream to dial. The route matches the application's hosts
/// (and path prefixes) and hands requests to a subroute whose steps follow Traefik's middleware order, so both
/// proxies treat a request the same way.
/// </summary>
internal static class CaddyRoutes
{
    private const string Permanent = "308";

    /// <summary>The <c>@id</c> of the panel's own route; not an application's (<see cref="TryParseRouteId"/> is false), so the reconciler never sees it.</summary>
    public const string PanelRouteId = "goforge-panel";

    /// <summary>The route's <c>@id</c>: the application id alone, so <see cref="IProxyRoutes.RemoveAsync"/> finds it without the slug.</summary>
    public static string RouteId(Guid applicationId) => $"goforge-{applicationId:N}";

    /// <summary>The application (or service) id of a route GoForge made; false for any other route.</summary>
    public static bool TryParseRouteId(string routeId, out Guid applicationId)
    {
        applicationId = Guid.Empty;
        return routeId.StartsWith("goforge-", StringComparison.Ordinal) && Guid.TryParseExact(routeId["goforge-".Length..], "N", out applicationId);
    }

    /// <param name="dial">The upstream; null for a stopped application, whose route answers <see cref="Stopped"/> instead.</param>
    /// <param name="stoppedApplication">The stopped application's name, for its 503 page.</param>
    public static JsonObject For(RouteTarget target, string? dial, bool automaticHttps, string? stoppedApplication = null)
    {
        var settings = target.Settings;
        var steps = new JsonArray();
        if (automaticHttps && settings.RedirectToHttps)
        {
            steps.Add(Route(
                new JsonArray(new JsonObject { ["protocol"] = "http" }),
                Redirect("https://{http.request.host}{http.request.uri}")));
        }

        if (settings.IpAllowList.Count > 0)
        {
            var allowed = new JsonObject { ["remote_ip"] = new JsonObject { ["ranges"] = Strings(settings.IpAllowList) } };
            steps.Add(Route(
                new JsonArray(new JsonObject { ["not"] = new JsonArray(allowed) }),
                new JsonObject { ["handler"] = "static_response", ["status_code"] = "403" }));
        }

        // Rate limiting has no handler in standard Caddy (docs/decisions/routing.md); the adapter logs that it is skipped.
        AddWwwRedirects(target, steps);
        if (settings.BasicAuthUsers.Count > 0)
        {
            var accounts = new JsonArray();
            foreach (var user in settings.BasicAuthUsers)
            {
                // Caddy 2.6 reads a bcrypt hash as it is ($2y$ included); checked against the real binary in CaddyRoutingTests.
                accounts.Add(new JsonObject { ["username"] = user.UserName, ["password"] = user.PasswordHash });
            }

            steps.Add(Route(null,
                new JsonObject
                {
                    ["handler"] = "authentication",
                    ["providers"] = new JsonObject
                    {
                        ["http_basic"] = new JsonObject
                        {
                            ["accounts"] = accounts,
                            ["hash"] = new JsonObject { ["algorithm"] = "bcrypt" },
                            ["realm"] = "restricted",
                        },
                    },
                },
                // As Traefik's removeheader: the application never sees the credentials.
                new JsonObject { ["handler"] = "headers", ["request"] = new JsonObject { ["delete"] = new JsonArray("Authorization") } }));
        }

        var headers = ResponseHeaders(settings);
        if (headers.Count > 0)
        {
            steps.Add(Route(null, new JsonObject { ["handler"] = "headers", ["response"] = new JsonObject { ["set"] = headers } }));
        }

        if (settings.StripPathPrefix)
        {
            foreach (var domain in target.Domains.Where(d => d.PathPrefix is not null))
            {
                steps.Add(Route(
                    new JsonArray(Match(Hosts(domain, settings.WwwRedirect), domain.PathPrefix)),
                    new JsonObject { ["handler"] = "rewrite", ["strip_path_prefix"] = domain.PathPrefix }));
            }
        }

        if (settings.Compression)
        {
            steps.Add(Route(null, new JsonObject
            {
                ["handler"] = "encode",
                ["encodings"] = new JsonObject { ["zstd"] = new JsonObject(), ["gzip"] = new JsonObject() },
                ["prefer"] = new JsonArray("zstd", "gzip"),
            }));
        }

        steps.Add(Route(null, dial is null ? Stopped(stoppedApplication ?? "This application") : ReverseProxy(dial)));

        var matchers = new JsonArray();
        foreach (var domain in target.Domains)
        {
            matchers.Add(Match(Hosts(domain, settings.WwwRedirect), domain.PathPrefix));
        }

        return new JsonObject
        {
            ["@id"] = RouteId(target.ApplicationId),
            ["match"] = matchers,
            ["handle"] = new JsonArray(new JsonObject { ["handler"] = "subroute", ["routes"] = steps }),
            ["terminal"] = true,
        };
    }

    /// <summary>
    /// The panel's own route: its public host to <paramref name="dial"/>, with plain HTTP redirected to HTTPS when
    /// Caddy serves HTTPS (Caddy answers ACME HTTP challenges before any route). Caddy's <c>reverse_proxy</c> sets
    /// X-Forwarded-For from the client's own address and drops one sent by a client it does not trust.
    /// </summary>
    public static JsonObject Panel(string host, string dial, bool automaticHttps)
    {
        var steps = new JsonArray();
        if (automaticHttps)
        {
            steps.Add(Route(new JsonArray(new JsonObject { ["protocol"] = "http" }), Redirect("https://{http.request.host}{http.request.uri}")));
        }

        steps.Add(Route(null, ReverseProxy(dial)));
        return new JsonObject
        {
            ["@id"] = PanelRouteId,
            ["match"] = new JsonArray(new JsonObject { ["host"] = new JsonArray(host) }),
            ["handle"] = new JsonArray(new JsonObject { ["handler"] = "subroute", ["routes"] = steps }),
            ["terminal"] = true,
        };
    }

    /// <summary>The host forms a domain answers to: with a www redirect, both, so the redirect can answer the other one.</summary>
    private static List<string> Hosts(AppDomainRoute domain, WwwRedirect redirect)
    {
        var hosts = new List<string> { domain.Host };
        if (redirect != WwwRedirect.None)
        {
            hosts.Add(IsWww(domain.Host) ? domain.Host[4..] : "www." + domain.Host);
        }

        return hosts;
    }

    private static void AddWwwRedirects(RouteTarget target, JsonArray steps)
    {
        var apexes = target.Domains.Select(d => IsWww(d.Host) ? d.Host[4..] : d.Host).Distinct(StringComparer.Ordinal).ToList();
        switch (target.Settings.WwwRedirect)
        {
            case WwwRedirect.None:
                break;
            case WwwRedirect.ToWww:
                steps.Add(Route(
                    new JsonArray(new JsonObject { ["host"] = Strings(apexes) }),
                    Redirect("{http.request.scheme}://www.{http.request.host}{http.request.uri}")));
                break;
            case WwwRedirect.ToApex:
                foreach (var apex in apexes)
                {
                    steps.Add(Route(
                        new JsonArray(new JsonObject { ["host"] = new JsonArray("www." + apex) }),
                        Redirect("{http.request.scheme}://" + apex + "{http.request.uri}")));
                }

                break;
        }
    }

    private static JsonObject ResponseHeaders(RoutingSettings settings)
    {
        var set = new JsonObject();
        if (settings.SecurityHeaders)
        {
            set["Strict-Transport-Security"] = new JsonArray("max-age=31536000; includeSubDomains; preload");
            set["X-Content-Type-Options"] = new JsonArray("nosniff");
            set["X-Frame-Options"] = new JsonArray("DENY");
            set["X-XSS-Protection"] = new JsonArray("1; mode=block");
            set["Referrer-Policy"] = new JsonArray("strict-origin-when-cross-origin");
        }

        foreach (var header in settings.ResponseHeaders)
        {
            set[Literal(header.Name)] = new JsonArray(Literal(header.Value));
        }

        return set;
    }

    /// <summary>
    /// Text Caddy's replacer leaves as it is: every brace escaped (<c>\{</c>, <c>\}</c>), so <c>{env.HOME}</c> is sent as
    /// those ten characters, never as the proxy's environment. Core refuses braces in header names and values
    /// already; this is the second line, for a value that reached the adapter some other way.
    /// </summary>
    internal static string Literal(string text) =>
        text.AsSpan().IndexOfAny('{', '}') < 0 ? text : text.Replace("{", "\\{", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal);

    private static JsonObject Match(List<string> hosts, string? pathPrefix)
    {
        var match = new JsonObject { ["host"] = Strings(hosts) };
        if (pathPrefix is not null)
        {
            // "/api" and "/api/…", not "/apiary": Traefik's PathPrefix matches by string, Caddy's path by pattern.
            match["path"] = new JsonArray(pathPrefix, pathPrefix.TrimEnd('/') + "/*");
        }

        return match;
    }

    private static JsonObject ReverseProxy(string dial) => new()
    {
        ["handler"] = "reverse_proxy",
        ["upstreams"] = new JsonArray(new JsonObject { ["dial"] = dial }),
    };

    /// <summary>
    /// A stopped application's answer: 503 at once (never a hang on a stopped container), with a short page naming it.
    /// The name is HTML-encoded and its braces escaped, so neither the page nor Caddy's replacer reads it as markup.
    /// </summary>
    internal static JsonObject Stopped(string applicationName)
    {
        var name = Literal(System.Net.WebUtility.HtmlEncode(applicationName));
        return new JsonObject
        {
            ["handler"] = "static_response",
            ["status_code"] = "503",
            ["headers"] = new JsonObject
            {
                ["Content-Type"] = new JsonArray("text/html; charset=utf-8"),
                ["Retry-After"] = new JsonArray("60"),
                ["Cache-Control"] = new JsonArray("no-store"),
            },
            ["body"] = $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{name} is stopped</title></head>"
                + $"<body><h1>{name} is stopped</h1><p>This application was stopped by its owner. It answers again once it is started.</p></body></html>\n",
        };
    }

    private static JsonObject Redirect(string location) => new()
    {
        ["handler"] = "static_response",
        ["status_code"] = Permanent,
        ["headers"] = new JsonObject { ["Location"] = new JsonArray(location) },
    };

    private static JsonObject Route(JsonArray? match, params JsonObject[] handlers)
    {
        var route = new JsonObject();
        if (match is not null)
        {
            route["match"] = match;
        }

        var handle = new JsonArray();
        foreach (var handler in handlers)
        {
            handle.Add(handler);
        }

        route["handle"] = handle;
        return route;
    }

    private static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }

    private static bool IsWww(string host) => host.StartsWith("www.", StringComparison.Ordinal);
}
