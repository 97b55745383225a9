using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy.Traefik;
using static GoForge.Tests.Routing.RoutingSamples;

namespace GoForge.Tests.Routing;

/// <summary>
/// The labels of each middleware, and of a combined application, against golden files in Routing/Golden. To refresh
/// them after an intended change: <c>GOFORGE_UPDATE_GOLDEN=1 dotnet test --filter TraefikLabelsTests</c>, then
/// read the diff.
/// </summary>
public sealed class TraefikLabelsTests
{
    private static readonly TraefikOptions Options = new();

    public static TheoryData<string> Cases => [.. GoldenCases().Keys];

    private static Dictionary<string, RouteTarget> GoldenCases() => new(StringComparer.Ordinal)
    {
        ["defaults"] = Target(Settings),
        ["no-https-redirect"] = Target(Settings with { RedirectToHttps = false }),
        ["path-prefix"] = Target(Settings, new AppDomainRoute("example.com", "/shop")),
        ["redirectregex-to-www"] = Target(Settings with { WwwRedirect = WwwRedirect.ToWww }, new AppDomainRoute("example.com", null)),
        ["redirectregex-to-apex"] = Target(Settings with { WwwRedirect = WwwRedirect.ToApex }, new AppDomainRoute("www.example.com", null)),
        ["basicauth"] = Target(Settings with { BasicAuthUsers = [new BasicAuthUser("alice", Hash), new BasicAuthUser("bob", Hash)] }),
        ["ipallowlist"] = Target(Settings with { IpAllowList = ["203.0.113.0/24", "2001:db8::/32"] }),
        ["ratelimit"] = Target(Settings with { RateLimit = new RateLimit(50, 100) }),
        ["headers-security"] = Target(Settings with { SecurityHeaders = true }),
        ["headers-custom"] = Target(Settings with { ResponseHeaders = [new ResponseHeader("X-Robots-Tag", "noindex"), new ResponseHeader("Content-Security-Policy", "default-src 'self'")] }),
        ["stripprefix"] = Target(Settings with { StripPathPrefix = true }, new AppDomainRoute("example.com", "/shop"), new AppDomainRoute("example.com", "/store")),
        ["compress"] = Target(Settings with { Compression = true }),
        ["certresolver"] = Target(Settings with { CertResolver = "dns-wildcard" }),
        ["no-domains"] = Target(App() with { Domains = [] }, Settings),
        ["combined"] = Target(
            new RoutingSettings
            {
                ApplicationId = AppId,
                RedirectToHttps = true,
                WwwRedirect = WwwRedirect.ToApex,
                BasicAuthUsers = [new BasicAuthUser("alice", Hash)],
                IpAllowList = ["10.0.0.0/8", "192.0.2.7/32"],
                RateLimit = new RateLimit(20, 40),
                SecurityHeaders = true,
                ResponseHeaders = [new ResponseHeader("X-Served-By", "goforge")],
                StripPathPrefix = true,
                Compression = true,
                CertResolver = "letsencrypt-staging",
            },
            new AppDomainRoute("example.com", null), new AppDomainRoute("www.example.com", null), new AppDomainRoute("shop.example.org", "/api")),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Labels_match_the_golden_file(string name)
    {
        var labels = TraefikLabels.For(GoldenCases()[name], Options);

        Golden.AssertMatches(name, string.Concat(labels.Select(l => $"{l.Key}={l.Value}\n")));
    }

    [Fact]
    public void Same_input_gives_the_same_labels_sorted_by_key()
    {
        var first = TraefikLabels.For(GoldenCases()["combined"], Options);
        var second = TraefikLabels.For(GoldenCases()["combined"], Options);

        Assert.Equal(first.ToList(), second.ToList());
        Assert.Equal(first.Keys.Order(StringComparer.Ordinal), first.Keys);
    }

    [Fact]
    public void Every_middleware_a_router_names_is_defined_and_every_defined_one_is_used()
    {
        var labels = TraefikLabels.For(GoldenCases()["combined"], Options);

        var used = labels.Where(l => l.Key.EndsWith(".middlewares", StringComparison.Ordinal)).SelectMany(l => l.Value.Split(',')).ToHashSet();
        var defined = labels.Keys.Where(k => k.StartsWith("traefik.http.middlewares.", StringComparison.Ordinal)).Select(k => k.Split('.')[3]).ToHashSet();
        Assert.Equal(defined.Order(), used.Order());
    }

    [Fact]
    public void Middlewares_run_in_the_documented_order()
    {
        var labels = TraefikLabels.For(GoldenCases()["combined"], Options);
        var name = $"goforge-shop-{AppId:N}";

        Assert.Equal(
            string.Join(',', new[] { "allow", "ratelimit", "www", "auth", "headers", "strip", "compress" }.Select(m => $"{name}-{m}")),
            labels[$"traefik.http.routers.{name}-0.middlewares"]);
        Assert.Equal($"{name}-https", labels[$"traefik.http.routers.{name}-0-http.middlewares"]);
    }

    [Fact]
    public void Options_choose_entrypoints_resolver_and_network()
    {
        var options = new TraefikOptions { WebEntryPoint = "http", WebSecureEntryPoint = "https", DefaultCertResolver = "corp", Network = "proxy" };

        var labels = TraefikLabels.For(Target(Settings), options);

        var name = $"goforge-shop-{AppId:N}";
        Assert.Equal("proxy", labels["traefik.docker.network"]);
        Assert.Equal("https", labels[$"traefik.http.routers.{name}-0.entrypoints"]);
        Assert.Equal("http", labels[$"traefik.http.routers.{name}-0-http.entrypoints"]);
        Assert.Equal("corp", labels[$"traefik.http.routers.{name}-0.tls.certresolver"]);
    }

    [Fact]
    public void Both_forms_of_a_host_share_one_router_when_www_is_redirected() =>
        Assert.Equal(2, TraefikLabels.For(GoldenCases()["combined"], Options).Keys.Count(k => k.EndsWith(".rule", StringComparison.Ordinal) && !k.Contains("-http.", StringComparison.Ordinal)));

    [Theory]
    [InlineData("shop.example.com`) || Host(`evil.example")]
    [InlineData("a`b")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("a)")]
    [InlineData("é.example.com")]
    public void A_rule_argument_that_could_escape_its_quotes_is_refused_even_past_validation(string value) =>
        Assert.Throws<InvalidOperationException>(() => TraefikLabels.Quote(value));
}
