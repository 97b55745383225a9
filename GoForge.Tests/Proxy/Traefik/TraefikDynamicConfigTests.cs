using System.Text.Json.Nodes;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Tests.Support;
using YamlDotNet.RepresentationModel;
using static GoForge.Tests.Routing.RoutingSamples;

namespace GoForge.Tests.Proxy.Traefik;

/// <summary>
/// The Traefik dynamic configuration GoForge writes, against golden files in Proxy/Traefik/Golden, and every golden
/// file (and the output for hostile but valid settings) against Traefik v3's JSON schema. To refresh the golden files
/// after an intended change: <c>GOFORGE_UPDATE_GOLDEN=1 dotnet test --filter TraefikDynamicConfigTests</c>, then read
/// the diff (docs/testing.md).
/// </summary>
public sealed class TraefikDynamicConfigTests
{
    private const string Folder = "Proxy/Traefik/Golden";
    private static readonly TraefikOptions Options = new();
    private static readonly Guid DeploymentId = Guid.Parse("0193a5b0-0000-7000-8000-00000000d301");
    private static readonly string Server = TraefikDynamicConfig.ServerUrl(new RouteUpstream(EngineNames.AppContainer(DeploymentId, "shop"), null, 8080));
    private static readonly string Name = $"goforge-shop-{AppId:N}";

    public static TheoryData<string> Cases => [.. GoldenCases().Keys];

    private static Dictionary<string, Func<JsonObject>> GoldenCases() => new(StringComparer.Ordinal)
    {
        ["minimal"] = () => For(Target(Settings)),
        ["no-https-redirect"] = () => For(Target(Settings with { RedirectToHttps = false })),
        ["domains-and-path-prefixes"] = () => For(Target(Settings,
            new AppDomainRoute("shop.example.com", null), new AppDomainRoute("example.com", "/shop"), new AppDomainRoute("api.example.org", "/v1/"))),
        ["www-to-www"] = () => For(Target(Settings with { WwwRedirect = WwwRedirect.ToWww }, new AppDomainRoute("example.com", null))),
        ["www-to-apex"] = () => For(Target(Settings with { WwwRedirect = WwwRedirect.ToApex }, new AppDomainRoute("www.example.com", null))),
        ["every-middleware"] = () => For(Target(
            new RoutingSettings
            {
                ApplicationId = AppId,
                RedirectToHttps = true,
                WwwRedirect = WwwRedirect.ToApex,
                BasicAuthUsers = [new BasicAuthUser("alice", Hash), new BasicAuthUser("bob", Hash)],
                IpAllowList = ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"],
                RateLimit = new RateLimit(20, 40),
                SecurityHeaders = true,
                ResponseHeaders = [new ResponseHeader("X-Served-By", "goforge"), new ResponseHeader("Content-Security-Policy", "default-src 'self'")],
                StripPathPrefix = true,
                Compression = true,
                CertResolver = "letsencrypt-staging",
            },
            new AppDomainRoute("example.com", null), new AppDomainRoute("www.example.com", null), new AppDomainRoute("shop.example.org", "/api"))),
        ["catalog-service"] = () => For(Service()),
        // A stopped application (docs/deployments/apply-and-stop.md): no server, answered 503 by Traefik.
        ["stopped"] = () => TraefikDynamicConfig.For(Target(Settings), [], Options)!,
        ["panel"] = () => TraefikDynamicConfig.ForPanel("panel.example.com", new Uri("http://goforge:8080"), Options),
    };

    private static JsonObject For(RouteTarget target) => TraefikDynamicConfig.For(target, [Server], Options)!;

    private static RouteTarget Service()
    {
        var created = RouteTarget.ForService(Guid.Parse("0193a5b0-0000-7000-8000-0000000005e1"), "pgadmin", "pgadmin.example.com", 80, "goforge-proxy");
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value;
    }

    private static string Text(JsonObject document) => document.ToJsonString(TraefikDynamicConfig.Json) + "\n";

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_document_matches_its_golden_file(string name) =>
        Golden.AssertMatches(Folder, $"{name}.json", Text(GoldenCases()[name]()));

    [Fact]
    public void Every_golden_file_validates_against_traefiks_schema()
    {
        var files = Golden.Files(Folder, "*.json");

        Assert.Equal(GoldenCases().Count, files.Count);
        foreach (var file in files)
        {
            TraefikSchema.AssertValid(File.ReadAllText(file), Path.GetFileName(file));
        }
    }

    [Fact]
    public void Every_golden_file_and_the_hostile_document_read_the_same_as_yaml()
    {
        var texts = Golden.Files(Folder, "*.json").Select(File.ReadAllText).Append(Text(For(Target(Settings with
        {
            ResponseHeaders = [new ResponseHeader("X-A", "&anchor *alias !tag"), new ResponseHeader("X-B", "'; # yes ~ null \\ %")],
            BasicAuthUsers = [new BasicAuthUser("no", Hash)],
        }))));

        foreach (var text in texts)
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(text));
            Assert.Equal(Flatten(TraefikSchema.Parse(text), ""), Flatten(yaml.Documents[0].RootNode, ""));
        }
    }

    private static List<string> Flatten(JsonNode? node, string path) => node switch
    {
        JsonObject o => [.. o.SelectMany(p => Flatten(p.Value, $"{path}/{p.Key}"))],
        JsonArray a => [.. a.SelectMany((item, n) => Flatten(item, $"{path}/{n}"))],
        null => [$"{path}=null"],
        _ => [$"{path}={(node.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString())}"],
    };

    private static List<string> Flatten(YamlNode node, string path) => node switch
    {
        YamlMappingNode m => [.. m.Children.SelectMany(p => Flatten(p.Value, $"{path}/{((YamlScalarNode)p.Key).Value}"))],
        YamlSequenceNode q => [.. q.Children.SelectMany((item, n) => Flatten(item, $"{path}/{n}"))],
        YamlScalarNode v => [$"{path}={v.Value}"],
        _ => [$"{path}=?"],
    };

    [Theory]
    [InlineData("""{"http":{"routers":{"r":{"rule":"Host(`a.example`)"}}}}""")] // a router without its service
    [InlineData("""{"http":{"services":{"s":{"loadBalancer":{"servers":[]}}}}}""")] // a service without a server
    [InlineData("""{"http":{"middlewares":{"m":{"compress":{},"stripPrefix":{"prefixes":["/a"]}}}}}""")] // two kinds in one middleware
    [InlineData("""{"http":{"middlewares":{"m":{"basicauth":{"users":["a:b"]}}}}}""")] // the label spelling, not the file's
    [InlineData("""{"http":{"routers":{"r":{"rule":"Host(`a`)","service":"s","tls":"true"}}}}""")]
    [InlineData("""{"routers":{}}""")]
    public void The_schema_refuses_a_document_traefik_would_refuse(string json) =>
        Assert.NotEmpty(TraefikSchema.Problems(json));

    [Fact]
    public void Hostile_but_valid_settings_give_a_document_that_validates_and_keeps_every_value_as_it_was()
    {
        var headers = new[] { "'; DROP TABLE x; --", "\\", "a: b # c", "&anchor *alias !tag", "<script>alert(1)</script>", "- [1 2] ? @ | > %", "~ null true 0x10" }
            .Select((value, n) => new ResponseHeader($"X-Hostile-{n}", value)).ToList();
        var target = Target(Settings with
        {
            WwwRedirect = WwwRedirect.ToWww,
            BasicAuthUsers = [new BasicAuthUser("a.b_c-d", Hash)],
            ResponseHeaders = headers,
            IpAllowList = ["::/0", "0.0.0.0/0"],
            RateLimit = new RateLimit(RoutingInputRules.MaxRateLimitAverage, RoutingInputRules.MaxRateLimitBurst),
            StripPathPrefix = true,
            CertResolver = "a-_",
        }, [.. Enumerable.Range(0, ProjectInputRules.MaxDomains).Select(n => new AppDomainRoute($"x{n}.{new string('a', 60)}.example", $"/~_.-/{n}/"))]);

        var text = Text(For(target));

        TraefikSchema.AssertValid(text, "the hostile document");
        var custom = TraefikSchema.Parse(text)["http"]!["middlewares"]![$"{Name}-headers"]!["headers"]!["customResponseHeaders"]!.AsObject();
        Assert.Equal(headers.Select(h => (h.Name, h.Value)), custom.Select(h => (h.Key, h.Value!.GetValue<string>())));
        Assert.Equal(ProjectInputRules.MaxDomains * 2, TraefikSchema.Parse(text)["http"]!["routers"]!.AsObject().Count);
    }

    [Fact]
    public void Same_input_gives_the_same_document()
    {
        var target = Target(Settings with { SecurityHeaders = true, Compression = true });

        Assert.Equal(Text(For(target)), Text(For(target)));
    }

    [Fact]
    public void Every_middleware_a_router_names_is_defined_and_every_defined_one_is_used()
    {
        var http = GoldenCases()["every-middleware"]()["http"]!;

        var used = http["routers"]!.AsObject().SelectMany(r => r.Value!["middlewares"]?.AsArray().Select(m => m!.GetValue<string>()) ?? []).ToHashSet();
        var defined = http["middlewares"]!.AsObject().Select(m => m.Key).ToHashSet();
        Assert.Equal(defined.Order(), used.Order());
    }

    [Fact]
    public void Middlewares_run_in_the_documented_order_and_plain_http_only_redirects()
    {
        var routers = GoldenCases()["every-middleware"]()["http"]!["routers"]!;

        Assert.Equal(
            new[] { "allow", "ratelimit", "www", "auth", "headers", "strip", "compress" }.Select(m => $"{Name}-{m}"),
            routers[$"{Name}-0"]!["middlewares"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal([$"{Name}-https"], routers[$"{Name}-0-http"]!["middlewares"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Null(routers[$"{Name}-0-http"]!["tls"]);
    }

    [Fact]
    public void Without_the_https_redirect_plain_http_passes_the_same_middlewares()
    {
        var routers = For(Target(Settings with { RedirectToHttps = false, Compression = true }))["http"]!["routers"]!;

        Assert.Equal(routers[$"{Name}-0"]!["middlewares"]!.ToJsonString(), routers[$"{Name}-0-http"]!["middlewares"]!.ToJsonString());
    }

    [Fact]
    public void Options_choose_entrypoints_and_resolver_and_the_service_dials_the_container_by_name()
    {
        var options = new TraefikOptions { WebEntryPoint = "http", WebSecureEntryPoint = "https", DefaultCertResolver = "corp" };

        var http = TraefikDynamicConfig.For(Target(Settings), [Server], options)!["http"]!;

        Assert.Equal("https", http["routers"]![$"{Name}-0"]!["entryPoints"]![0]!.GetValue<string>());
        Assert.Equal("http", http["routers"]![$"{Name}-0-http"]!["entryPoints"]![0]!.GetValue<string>());
        Assert.Equal("corp", http["routers"]![$"{Name}-0"]!["tls"]!["certResolver"]!.GetValue<string>());
        Assert.Equal($"http://goforge-app-{DeploymentId:N}-shop:8080", http["services"]![Name]!["loadBalancer"]!["servers"]![0]!["url"]!.GetValue<string>());
        Assert.Equal([$"http://goforge-app-{DeploymentId:N}-shop:8080"], TraefikDynamicConfig.ServerUrls(http.Parent));
    }

    [Fact]
    public void Every_name_starts_with_goforge_and_the_applications_id()
    {
        var http = GoldenCases()["every-middleware"]()["http"]!;

        var names = new[] { "routers", "services", "middlewares" }.SelectMany(kind => http[kind]!.AsObject().Select(e => e.Key)).ToList();
        Assert.All(names, name => Assert.StartsWith(Name, name, StringComparison.Ordinal));
    }

    [Fact]
    public void Both_forms_of_a_host_share_one_router_when_www_is_redirected() =>
        Assert.Equal(2, GoldenCases()["every-middleware"]()["http"]!["routers"]!.AsObject().Count(r => !r.Key.EndsWith("-http", StringComparison.Ordinal)));

    [Fact]
    public void An_application_without_a_domain_has_no_document() =>
        Assert.Null(TraefikDynamicConfig.For(Target(App() with { Domains = [] }, Settings), [Server], Options));

    [Theory]
    [InlineData("shop.example.com`) || Host(`evil.example")]
    [InlineData("a`b")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("a)")]
    [InlineData("é.example.com")]
    public void A_rule_argument_that_could_escape_its_quotes_is_refused_even_past_validation(string value) =>
        Assert.Throws<InvalidOperationException>(() => TraefikDynamicConfig.Quote(value));

    [Theory]
    [InlineData("evil:80/@x")]
    [InlineData("a b")]
    [InlineData("-flag")]
    [InlineData("")]
    public void A_server_that_is_not_a_container_name_is_refused(string name) =>
        Assert.Throws<InvalidOperationException>(() => TraefikDynamicConfig.ServerUrl(new RouteUpstream(name, null, 8080)));

    [Fact]
    public void The_panel_route_refuses_a_host_that_could_escape_its_rule() =>
        Assert.Throws<InvalidOperationException>(() => TraefikDynamicConfig.ForPanel("a`) || Host(`b", new Uri("http://goforge:8080"), Options));
}
