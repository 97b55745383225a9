using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoForge.Core.Projects;
using GoForge.Core.Routing;

namespace GoForge.Infrastructure.Proxy.Traefik;

/// <summary>
/// The Traefik v3 dynamic configuration (file provider) that routes to one application or service: a pure function of
/// the <see cref="RouteTarget"/> (already validated), the upstream URLs and the options. Same input, same document, in
/// the same key order. Every router, service and middleware is named <c>goforge-&lt;slug&gt;-&lt;id&gt;…</c>, so
/// GoForge's names never meet anyone else's. See docs/decisions/routing.md for the scheme and the middleware order.
/// </summary>
public static class TraefikDynamicConfig
{
    /// <summary>Security headers preset: HSTS for a year with subdomains and preload, and the usual hardening headers.</summary>
    public const int HstsSeconds = 31_536_000;

    /// <summary>
    /// How the documents are written: indented, and with nothing escaped that JSON does not require (a bcrypt hash keeps
    /// its <c>$</c>, a header value its <c>'</c>), so the file reads the same in JSON and in YAML (JSON is YAML 1.2).
    /// </summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The name every router, service and middleware of <paramref name="target"/> starts with.</summary>
    public static string NameOf(RouteTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return "goforge-" + target.Name;
    }

    /// <summary>The URL of one upstream: the container by name on the proxy network (<c>http://&lt;container&gt;:&lt;port&gt;</c>).</summary>
    public static string ServerUrl(RouteUpstream upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var name = upstream.ContainerName;
        if (name.Length == 0 || name.Length > 128 || !char.IsAsciiLetterOrDigit(name[0])
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            throw new InvalidOperationException($"Refusing '{name}' as a Traefik server: only Docker container names belong there.");
        }

        if (upstream.Port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"Refusing port {upstream.Port} for a Traefik server.");
        }

        return string.Create(CultureInfo.InvariantCulture, $"http://{name}:{upstream.Port}");
    }

    /// <summary>
    /// The document routing <paramref name="target"/>'s domains to <paramref name="servers"/>; null when it has no
    /// domain (no route at all). No server is a stopped application: its service is a weighted service of no service,
    /// which Traefik answers with 503 at once (a load balancer needs at least one server, in Traefik's schema too).
    /// </summary>
    public static JsonObject? For(RouteTarget target, IReadOnlyList<string> servers, TraefikOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(options);
        if (target.Domains.Count == 0)
        {
            return null;
        }

        var name = NameOf(target);
        var settings = target.Settings;
        var middlewares = new JsonObject();
        var chain = Middlewares(middlewares, name, target);
        var https = $"{name}-https";
        if (settings.RedirectToHttps)
        {
            middlewares[https] = RedirectToHttps();
        }

        var resolver = settings.CertResolver ?? options.DefaultCertResolver;
        var rules = target.Domains.Select(d => Rule(d, settings.WwwRedirect)).Distinct(StringComparer.Ordinal).ToList();
        var routers = new JsonObject();
        for (var n = 0; n < rules.Count; n++)
        {
            routers[$"{name}-{n}"] = Router(options.WebSecureEntryPoint, rules[n], name, chain, resolver);
            routers[$"{name}-{n}-http"] = Router(options.WebEntryPoint, rules[n], name, settings.RedirectToHttps ? [https] : chain, null);
        }

        var service = servers.Count == 0 ? new JsonObject { ["weighted"] = new JsonObject { ["services"] = new JsonArray() } } : Service(servers);
        return Document(routers, new JsonObject { [name] = service }, middlewares);
    }

    /// <summary>
    /// The panel's own route: <paramref name="host"/> on the HTTPS entrypoint with the default resolver, to
    /// <paramref name="upstream"/> (e.g. <c>http://goforge:8080</c>); plain HTTP is redirected to HTTPS.
    /// </summary>
    public static JsonObject ForPanel(string host, Uri upstream, TraefikOptions options)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(options);
        const string name = "goforge-panel";
        var rule = $"Host({Quote(host)})";
        var url = upstream.GetLeftPart(UriPartial.Authority);
        var routers = new JsonObject
        {
            [name] = Router(options.WebSecureEntryPoint, rule, name, [], options.DefaultCertResolver),
            [$"{name}-http"] = Router(options.WebEntryPoint, rule, name, [$"{name}-https"], null),
        };
        return Document(routers, new JsonObject { [name] = Service([url]) }, new JsonObject { [$"{name}-https"] = RedirectToHttps() });
    }

    /// <summary>The upstream URLs of a document's services (what <see cref="Service"/> wrote), in order; empty for anything else.</summary>
    public static IReadOnlyList<string> ServerUrls(JsonNode? document)
    {
        var urls = new List<string>();
        if (document?["http"]?["services"] is not JsonObject services)
        {
            return urls;
        }

        foreach (var (_, service) in services)
        {
            if (service?["loadBalancer"]?["servers"] is JsonArray servers)
            {
                urls.AddRange(servers.Select(s => s?["url"]).OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var url) ? url : null).OfType<string>());
            }
        }

        return urls;
    }

    private static JsonObject Document(JsonObject routers, JsonObject services, JsonObject middlewares)
    {
        var http = new JsonObject { ["routers"] = routers, ["services"] = services };
        if (middlewares.Count > 0)
        {
            http["middlewares"] = middlewares;
        }

        return new JsonObject { ["http"] = http };
    }

    private static JsonObject Router(string entryPoint, string rule, string service, List<string> middlewares, string? resolver)
    {
        var router = new JsonObject
        {
            ["entryPoints"] = new JsonArray(entryPoint),
            ["rule"] = rule,
            ["service"] = service,
        };
        if (middlewares.Count > 0)
        {
            router["middlewares"] = Strings(middlewares);
        }

        if (resolver is not null)
        {
            router["tls"] = new JsonObject { ["certResolver"] = resolver };
        }

        return router;
    }

    private static JsonObject Service(IEnumerable<string> servers)
    {
        var list = new JsonArray();
        foreach (var url in servers)
        {
            list.Add(new JsonObject { ["url"] = url });
        }

        return new JsonObject { ["loadBalancer"] = new JsonObject { ["servers"] = list } };
    }

    private static JsonObject RedirectToHttps() =>
        new() { ["redirectScheme"] = new JsonObject { ["scheme"] = "https", ["permanent"] = true } };

    /// <summary>
    /// Defines the application's middlewares and returns their names in the order requests pass them: refuse
    /// unknown clients, then limit the rate, then send to the canonical host, then authenticate, then shape the answer.
    /// </summary>
    private static List<string> Middlewares(JsonObject middlewares, string name, RouteTarget target)
    {
        var settings = target.Settings;
        var chain = new List<string>();

        void Define(string kind, string type, JsonObject configuration)
        {
            var middleware = $"{name}-{kind}";
            middlewares[middleware] = new JsonObject { [type] = configuration };
            chain.Add(middleware);
        }

        if (settings.IpAllowList.Count > 0)
        {
            Define("allow", "ipAllowList", new JsonObject { ["sourceRange"] = Strings(settings.IpAllowList) });
        }

        if (settings.RateLimit is { } limit)
        {
            Define("ratelimit", "rateLimit", new JsonObject { ["average"] = limit.AveragePerSecond, ["burst"] = limit.Burst });
        }

        if (settings.WwwRedirect != WwwRedirect.None)
        {
            var apexes = string.Join('|', target.Domains.Select(d => Apex(d.Host).Replace(".", "\\.", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal));
            var (regex, replacement) = settings.WwwRedirect == WwwRedirect.ToWww
                ? ($"^(https?)://({apexes})(:[0-9]+)?(/.*)?$", "${1}://www.${2}${3}${4}")
                : ($"^(https?)://www\\.({apexes})(:[0-9]+)?(/.*)?$", "${1}://${2}${3}${4}");
            Define("www", "redirectRegex", new JsonObject { ["regex"] = regex, ["replacement"] = replacement, ["permanent"] = true });
        }

        if (settings.BasicAuthUsers.Count > 0)
        {
            Define("auth", "basicAuth", new JsonObject
            {
                ["users"] = Strings(settings.BasicAuthUsers.Select(u => $"{u.UserName}:{u.PasswordHash}")),
                ["removeHeader"] = true,
            });
        }

        if (settings.SecurityHeaders || settings.ResponseHeaders.Count > 0)
        {
            var headers = new JsonObject();
            if (settings.SecurityHeaders)
            {
                headers["stsSeconds"] = HstsSeconds;
                headers["stsIncludeSubdomains"] = true;
                headers["stsPreload"] = true;
                headers["contentTypeNosniff"] = true;
                headers["frameDeny"] = true;
                headers["browserXssFilter"] = true;
                headers["referrerPolicy"] = "strict-origin-when-cross-origin";
            }

            if (settings.ResponseHeaders.Count > 0)
            {
                var custom = new JsonObject();
                foreach (var header in settings.ResponseHeaders)
                {
                    custom[header.Name] = header.Value;
                }

                headers["customResponseHeaders"] = custom;
            }

            Define("headers", "headers", headers);
        }

        var prefixes = target.Domains.Select(d => d.PathPrefix).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (settings.StripPathPrefix && prefixes.Count > 0)
        {
            Define("strip", "stripPrefix", new JsonObject { ["prefixes"] = Strings(prefixes) });
        }

        if (settings.Compression)
        {
            Define("compress", "compress", new JsonObject());
        }

        return chain;
    }

    /// <summary>The router rule of one domain; with a www redirect, it matches both forms of the host so the redirect can answer.</summary>
    private static string Rule(AppDomainRoute domain, WwwRedirect www)
    {
        var hosts = www == WwwRedirect.None
            ? $"Host({Quote(domain.Host)})"
            : $"(Host({Quote(Apex(domain.Host))}) || Host({Quote("www." + Apex(domain.Host))}))";
        return domain.PathPrefix is { } path ? $"{hosts} && PathPrefix({Quote(path)})" : hosts;
    }

    private static string Apex(string host) => host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;

    private static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }

    /// <summary>
    /// A rule argument between backticks. The values were validated long before; this refuses again anything that
    /// could end the quoted string or the rule, so a slip elsewhere cannot become a rule of someone else's.
    /// </summary>
    internal static string Quote(string value)
    {
        if (string.IsNullOrEmpty(value) || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or '/'))
        {
            throw new InvalidOperationException($"Refusing '{value}' in a Traefik rule: only validated host names and paths belong there.");
        }

        return $"`{value}`";
    }
}
