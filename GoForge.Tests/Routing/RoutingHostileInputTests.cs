using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using static GoForge.Tests.Routing.RoutingSamples;

namespace GoForge.Tests.Routing;

/// <summary>
/// Values that would close a backtick, add a rule or a middleware, split a label list, or look like something they
/// are not: each is refused with field errors, and no route target (so no label) is ever made from it.
/// </summary>
public sealed class RoutingHostileInputTests
{
    private static Error Refused(Application app, RoutingSettings settings)
    {
        var created = RouteTarget.Create(app, settings, "goforge-acme-production");
        Assert.False(created.IsSuccess, "a hostile value produced a route target");
        Assert.Equal(ErrorKind.Validation, created.Error.Kind);
        return created.Error;
    }

    private static string[] Errors(Action<FieldErrors> validate)
    {
        var errors = new FieldErrors();
        validate(errors);
        return errors.IsEmpty ? [] : errors.ToError().FieldErrors.Keys.ToArray();
    }

    [Theory]
    [InlineData("shop.example.com`) || Host(`evil.example.com", null)]
    [InlineData("shop.example.com`)", null)]
    [InlineData("shop.example.com) || PathPrefix(`/", null)]
    [InlineData("shop.example.com || evil.example.com", null)]
    [InlineData("shop example.com", null)]
    [InlineData("shop.example.com\n", null)]
    [InlineData("shop.example.com\r\ntraefik.enable=true", null)]
    [InlineData("SHOP.example.com", null)]
    [InlineData("shöp.example.com", null)]
    [InlineData("shop.exаmple.com", null)] // Cyrillic 'а': a look-alike must arrive as punycode, never raw
    [InlineData("-shop.example.com", null)]
    [InlineData("--entrypoints=web", null)]
    [InlineData("localhost", null)]
    [InlineData("shop.example.com", "/a`) || Host(`evil.example.com")]
    [InlineData("shop.example.com", "/../admin")]
    [InlineData("shop.example.com", "/a b")]
    [InlineData("shop.example.com", "/a\n")]
    [InlineData("shop.example.com", "/a,b")]
    [InlineData("shop.example.com", "no-leading-slash")]
    [InlineData("shop.example.com", "/ü")]
    public void Hostile_domains_and_paths_get_no_route_target(string host, string? path)
    {
        var error = Refused(App(new AppDomainRoute(host, path)), Settings);

        Assert.Contains("Domains", error.FieldErrors.Keys);
    }

    [Theory]
    [InlineData("shop.example.com`) || Host(`evil.example.com")]
    [InlineData("shop.example.com/a`b")]
    [InlineData("shop.example.com/../x")]
    [InlineData("shop.example.com) || Host(`x.com")]
    [InlineData("shop .example.com")]
    [InlineData("-shop.example.com")]
    public void The_domain_form_refuses_them_before_they_are_stored(string text) =>
        Assert.Equal(["Domains"], Errors(e => ProjectInputRules.ParseDomains(text, e)));

    [Fact]
    public void Invisible_characters_in_a_domain_are_dropped_by_idna_mapping_so_only_plain_ascii_is_stored()
    {
        var errors = new FieldErrors();

        var domains = ProjectInputRules.ParseDomains("shop\u200b.example.com", errors);

        Assert.True(errors.IsEmpty);
        Assert.Equal("shop.example.com", Assert.Single(domains).Host);
    }

    [Fact]
    public void A_unicode_domain_is_stored_as_punycode_and_routes_as_such()
    {
        var errors = new FieldErrors();
        var domains = ProjectInputRules.ParseDomains("shop.exаmple.com", errors);

        Assert.True(errors.IsEmpty);
        Assert.StartsWith("shop.xn--", Assert.Single(domains).Host, StringComparison.Ordinal);
        Assert.Equal($"Host(`{domains[0].Host}`)", RoutingTargetRule(Target(Settings, [.. domains])));
    }

    [Fact]
    public void Too_many_domains_are_refused() =>
        Refused(App([.. Enumerable.Range(0, ProjectInputRules.MaxDomains + 1).Select(i => new AppDomainRoute($"s{i}.example.com", null))]), Settings);

    [Theory]
    [InlineData("X-Evil", "a`b")]
    [InlineData("X-Evil", "a\"b")]
    [InlineData("X-Evil", "a,b")]
    [InlineData("X-Evil", "a\r\nSet-Cookie: x=1")]
    [InlineData("X-Evil", "a\nb")]
    [InlineData("X-Evil", "a\0b")]
    [InlineData("X-Evil", "café")]
    [InlineData("X-Evil", "")]
    [InlineData("X.Evil", "a")]
    [InlineData("X_Evil", "a")]
    [InlineData("X Evil", "a")]
    [InlineData("X-Évil", "a")]
    [InlineData("-X", "a")]
    [InlineData("Content-Length", "0")]
    [InlineData("transfer-encoding", "chunked")]
    [InlineData("X-Leak", "{env.HOME}")]
    [InlineData("X-Leak", "{file./etc/passwd}")]
    [InlineData("X-Leak", "a}b")]
    [InlineData("X-{env.HOME}", "a")]
    public void Hostile_response_headers_are_refused(string name, string value)
    {
        var error = Refused(App(), Settings with { ResponseHeaders = [new ResponseHeader(name, value)] });

        Assert.Equal(["ResponseHeaders"], error.FieldErrors.Keys);
    }

    [Theory]
    [InlineData("X-A: b\rX-Evil: 1")]
    [InlineData("X-A: b`c")]
    [InlineData("X-A: one, two")]
    [InlineData("X-A b")]
    [InlineData("X-A: 1\nx-a: 2")]
    [InlineData("Host: evil.example.com")]
    [InlineData("X-Home: {env.HOME}")]
    public void The_header_form_refuses_them(string text) =>
        Assert.Equal(["ResponseHeaders"], Errors(e => RoutingInputRules.ParseResponseHeaders(text, e)));

    [Fact]
    public void Huge_header_and_allow_list_pastes_are_refused()
    {
        Assert.Equal(["ResponseHeaders"], Errors(e => RoutingInputRules.ParseResponseHeaders(string.Concat(Enumerable.Range(0, 31).Select(i => $"X-H{i}: v\n")), e)));
        Assert.Equal(["ResponseHeaders"], Errors(e => RoutingInputRules.ParseResponseHeaders("X-A: " + new string('a', 1025), e)));
        Assert.Equal(["ResponseHeaders"], Errors(e => RoutingInputRules.ParseResponseHeaders(new string('x', 1_000_000), e)));
        Assert.Equal(["IpAllowList"], Errors(e => RoutingInputRules.ParseAllowList(string.Join('\n', Enumerable.Range(0, 101).Select(i => $"10.0.{i}.0/24")), e)));
        Assert.Equal(["IpAllowList"], Errors(e => RoutingInputRules.ParseAllowList(new string('1', 1_000_000), e)));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0/8")]
    [InlineData("127.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("010.0.0.1")]
    [InlineData("256.0.0.0/8")]
    [InlineData("fe80::1%eth0")]
    [InlineData("2001:db8::/129")]
    [InlineData("10.0.0.0/8`")]
    [InlineData("example.com")]
    [InlineData("abc")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/8,10.0.0.0/8")]
    public void Things_that_are_not_networks_are_refused(string text) =>
        Assert.Equal(["IpAllowList"], Errors(e => RoutingInputRules.ParseAllowList(text, e)));

    [Fact]
    public void Networks_are_normalised_and_a_bare_address_is_itself()
    {
        var errors = new FieldErrors();

        var networks = RoutingInputRules.ParseAllowList("203.0.113.0/24, 192.0.2.7\n2001:DB8::/32 ::1", errors);

        Assert.True(errors.IsEmpty);
        Assert.Equal(["203.0.113.0/24", "192.0.2.7/32", "2001:db8::/32", "::1/128"], networks);
    }

    [Fact]
    public void A_stored_allow_list_entry_that_is_not_normalised_gets_no_route_target() =>
        Refused(App(), Settings with { IpAllowList = ["10.0.0.0/8,0.0.0.0/0"] });

    [Theory]
    [InlineData("alice:admin")]
    [InlineData("alice,bob")]
    [InlineData("alice bob")]
    [InlineData("аlice")]
    [InlineData("")]
    public void Hostile_user_names_are_refused(string name) =>
        Assert.Contains("BasicAuthUsers", Refused(App(), Settings with { BasicAuthUsers = [new BasicAuthUser(name, Hash)] }).FieldErrors.Keys);

    [Theory]
    [InlineData("plain-text-password")]
    [InlineData("$apr1$abc$def")]
    [InlineData("$2y$10$short")]
    [InlineData("$2b$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a")]
    [InlineData("$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1,")]
    public void A_password_not_stored_as_a_bcrypt_hash_gets_no_route_target(string hash) =>
        Assert.Contains("BasicAuthUsers", Refused(App(), Settings with { BasicAuthUsers = [new BasicAuthUser("alice", hash)] }).FieldErrors.Keys);

    [Fact]
    public void Passwords_bcrypt_would_cut_or_that_are_too_short_are_refused()
    {
        Assert.NotEmpty(Errors(e => RoutingInputRules.ValidatePassword("short", e)));
        Assert.NotEmpty(Errors(e => RoutingInputRules.ValidatePassword(new string('é', 37), e)));
        Assert.NotEmpty(Errors(e => RoutingInputRules.ValidatePassword("good password\n", e)));
        Assert.Empty(Errors(e => RoutingInputRules.ValidatePassword(new string('a', 72), e)));
    }

    [Theory]
    [InlineData("le`")]
    [InlineData("-resolver")]
    [InlineData("my resolver")]
    [InlineData("lé")]
    public void Hostile_cert_resolvers_are_refused(string resolver) =>
        Assert.Equal(["CertResolver"], Refused(App(), Settings with { CertResolver = resolver }).FieldErrors.Keys);

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(10, 5)]
    [InlineData(10_001, 20_000)]
    [InlineData(10, 100_001)]
    public void Rate_limits_out_of_bounds_are_refused(int average, int burst) =>
        Refused(App(), Settings with { RateLimit = new RateLimit(average, burst) });

    [Fact]
    public void A_custom_header_the_security_preset_sets_is_refused_while_the_preset_is_on() =>
        Assert.Equal(["ResponseHeaders"], Refused(App(), Settings with
        {
            SecurityHeaders = true,
            ResponseHeaders = [new ResponseHeader("Strict-Transport-Security", "max-age=0")],
        }).FieldErrors.Keys);

    [Fact]
    public void A_network_name_that_could_be_an_option_or_a_list_is_refused()
    {
        Assert.False(RouteTarget.Create(App(), Settings, "--network=host").IsSuccess);
        Assert.False(RouteTarget.Create(App(), Settings, "a,b").IsSuccess);
    }

    [Fact]
    public void Settings_of_another_application_are_refused() =>
        Refused(App(), RoutingSettings.Defaults(Guid.NewGuid()));

    private static string RoutingTargetRule(RouteTarget target) =>
        GoForge.Infrastructure.Proxy.Traefik.TraefikDynamicConfig.For(target, ["http://shop:8080"], new())!["http"]!["routers"]!.AsObject().First().Value!["rule"]!.GetValue<string>();
}
