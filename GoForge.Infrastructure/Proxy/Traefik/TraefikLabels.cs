using System.Collections.Immutable;
using System.Globalization;
using GoForge.Core.Projects;
using GoForge.Core.Routing;

namespace GoForge.Infrastructure.Proxy.Traefik;

/// <summary>
/// The Docker labels that make Traefik v3's Docker provider route to an application. A pure function of the
/// <see cref="RouteTarget"/> (already validated) and the options: same input, same labels, sorted by key.
/// See docs/decisions/routing.md for the scheme and the middleware order.
/// </summary>
public static class TraefikLabels
{
    /// <summary>Security headers preset: HSTS for a year with subdomains and preload, and the usual hardening headers.</summary>
    public const int HstsSeconds = 31_536_000;

    public static IReadOnlyDictionary<string, string> For(RouteTarget target, TraefikOptions options)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (target.Domains.Count == 0)
        {
            // Nothing to route: say so, rather than rely on Traefik's exposedByDefault.
            labels["traefik.enable"] = "false";
            return labels.ToImmutableSortedDictionary(StringComparer.Ordinal);
        }

        var name = "goforge-" + target.Name;
        var settings = target.Settings;
        labels["traefik.enable"] = "true";
        labels["traefik.docker.network"] = string.IsNullOrEmpty(options.Network) ? target.Network : options.Network;
        labels[$"traefik.http.services.{name}.loadbalancer.server.port"] = target.ContainerPort.ToString(CultureInfo.InvariantCulture);

        var chain = Middlewares(labels, name, target);
        var https = $"{name}-https";
        if (settings.RedirectToHttps)
        {
            labels[$"traefik.http.middlewares.{https}.redirectscheme.scheme"] = "https";
            labels[$"traefik.http.middlewares.{https}.redirectscheme.permanent"] = "true";
        }

        var resolver = settings.CertResolver ?? options.DefaultCertResolver;
        var rules = target.Domains.Select(d => Rule(d, settings.WwwRedirect)).Distinct(StringComparer.Ordinal).ToList();
        for (var n = 0; n < rules.Count; n++)
        {
            var secure = $"traefik.http.routers.{name}-{n}";
            labels[$"{secure}.rule"] = rules[n];
            labels[$"{secure}.entrypoints"] = options.WebSecureEntryPoint;
            labels[$"{secure}.tls"] = "true";
            labels[$"{secure}.tls.certresolver"] = resolver;
            labels[$"{secure}.service"] = name;
            if (chain.Count > 0)
            {
                labels[$"{secure}.middlewares"] = string.Join(',', chain);
            }

            var plain = $"traefik.http.routers.{name}-{n}-http";
            labels[$"{plain}.rule"] = rules[n];
            labels[$"{plain}.entrypoints"] = options.WebEntryPoint;
            labels[$"{plain}.service"] = name;
            var plainChain = settings.RedirectToHttps ? [https] : chain;
            if (plainChain.Count > 0)
            {
                labels[$"{plain}.middlewares"] = string.Join(',', plainChain);
            }
        }

        return labels.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Defines the application's middlewares and returns their names in the order requests pass them: refuse
    /// unknown clients, then limit the rate, then send to the canonical host, then authenticate, then shape the answer.
    /// </summary>
    private static List<string> Middlewares(SortedDictionary<string, string> labels, string name, RouteTarget target)
    {
        var settings = target.Settings;
        var chain = new List<string>();

        void Define(string kind, params (string Key, string Value)[] values)
        {
            var middleware = $"{name}-{kind}";
            foreach (var (key, value) in values)
            {
                labels[$"traefik.http.middlewares.{middleware}.{key}"] = value;
            }

            chain.Add(middleware);
        }

        if (settings.IpAllowList.Count > 0)
        {
            Define("allow", ("ipallowlist.sourcerange", string.Join(',', settings.IpAllowList)));
        }

        if (settings.RateLimit is { } limit)
        {
            Define("ratelimit",
                ("ratelimit.average", limit.AveragePerSecond.ToString(CultureInfo.InvariantCulture)),
                ("ratelimit.burst", limit.Burst.ToString(CultureInfo.InvariantCulture)));
        }

        if (settings.WwwRedirect != WwwRedirect.None)
        {
            var apexes = string.Join('|', target.Domains.Select(d => Apex(d.Host).Replace(".", "\\.", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal));
            var (regex, replacement) = settings.WwwRedirect == WwwRedirect.ToWww
                ? ($"^(https?)://({apexes})(:[0-9]+)?(/.*)?$", "${1}://www.${2}${3}${4}")
                : ($"^(https?)://www\\.({apexes})(:[0-9]+)?(/.*)?$", "${1}://${2}${3}${4}");
            Define("www", ("redirectregex.regex", regex), ("redirectregex.replacement", replacement), ("redirectregex.permanent", "true"));
        }

        if (settings.BasicAuthUsers.Count > 0)
        {
            Define("auth",
                ("basicauth.users", string.Join(',', settings.BasicAuthUsers.Select(u => $"{u.UserName}:{u.PasswordHash}"))),
                ("basicauth.removeheader", "true"));
        }

        if (settings.SecurityHeaders || settings.ResponseHeaders.Count > 0)
        {
            var headers = new List<(string, string)>();
            if (settings.SecurityHeaders)
            {
                headers.Add(("headers.stsseconds", HstsSeconds.ToString(CultureInfo.InvariantCulture)));
                headers.Add(("headers.stsincludesubdomains", "true"));
                headers.Add(("headers.stspreload", "true"));
                headers.Add(("headers.contenttypenosniff", "true"));
                headers.Add(("headers.framedeny", "true"));
                headers.Add(("headers.browserxssfilter", "true"));
                headers.Add(("headers.referrerpolicy", "strict-origin-when-cross-origin"));
            }

            headers.AddRange(settings.ResponseHeaders.Select(h => ($"headers.customresponseheaders.{h.Name}", h.Value)));
            Define("headers", [.. headers]);
        }

        var prefixes = target.Domains.Select(d => d.PathPrefix).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (settings.StripPathPrefix && prefixes.Count > 0)
        {
            Define("strip", ("stripprefix.prefixes", string.Join(',', prefixes)));
        }

        if (settings.Compression)
        {
            Define("compress", ("compress", "true"));
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

    /// <summary>
    /// A rule argument between backticks. The values were validated long before; this refuses again anything that
    /// could end the quoted string or the rule, so a slip elsewhere cannot become a rule of someone else's.
    /// </summary>
    internal static string Quote(string value)
    {
        if (value.Length == 0 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or '/'))
        {
            throw new InvalidOperationException($"Refusing to put '{value}' in a Traefik rule: only validated host names and paths belong there.");
        }

        return $"`{value}`";
    }
}
