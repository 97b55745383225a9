using GoForge.Core.Common;
using GoForge.Core.Projects;

namespace GoForge.Tests.Projects;

/// <summary>The compose application's own rules (ComposeSourceRules): the compose file path, service names on domains and variables.</summary>
public sealed class ComposeSourceRulesTests
{
    [Theory]
    [InlineData("compose.yaml", "compose.yaml")]
    [InlineData("docker-compose.yml", "docker-compose.yml")]
    [InlineData("./deploy/compose.prod.yml", "deploy/compose.prod.yml")]
    [InlineData("  ops/stack_1/compose.yaml ", "ops/stack_1/compose.yaml")]
    [InlineData(".github/compose.yml", ".github/compose.yml")]
    [InlineData("", "compose.yaml")]
    [InlineData(null, "compose.yaml")]
    public void Relative_yaml_paths_inside_the_repository_are_accepted_and_stored_normalized(string? entered, string stored)
    {
        var errors = new FieldErrors();

        ComposeSourceRules.ValidateComposePath(entered, errors);

        Assert.True(errors.IsEmpty, errors.IsEmpty ? null : errors.ToError().Message);
        Assert.Equal(stored, ComposeSourceRules.NormalizeComposePath(entered));
    }

    [Theory]
    [InlineData("../x.yml")]
    [InlineData("/etc/compose.yml")]
    [InlineData("-rf.yml")]
    [InlineData("a/-rf.yml")]
    [InlineData("a/../../b.yml")]
    [InlineData("a/./b.yml")]
    [InlineData("./../compose.yml")]
    [InlineData("..")]
    [InlineData("a/..")]
    [InlineData("compose.json")]
    [InlineData("compose")]
    [InlineData("compose.yml.sh")]
    [InlineData("a//b.yml")]
    [InlineData("a\\b.yml")]
    [InlineData("..\\..\\b.yml")]
    [InlineData("my compose.yml")]
    [InlineData("$(reboot).yml")]
    [InlineData("`id`.yml")]
    [InlineData("a;rm -rf /.yml")]
    [InlineData("a|b.yml")]
    [InlineData("a&b.yml")]
    [InlineData("a>b.yml")]
    [InlineData("${HOME}/compose.yml")]
    [InlineData("~/compose.yml")]
    [InlineData("a\n/compose.yml")]
    [InlineData("compose.yml\0.txt")]
    [InlineData("comp\u202Eose.yml")]
    [InlineData("compösé.yml")]
    [InlineData("ｃompose.yml")]
    [InlineData("file:///etc/compose.yml")]
    [InlineData("https://evil.example/compose.yml")]
    [InlineData("...yml")]
    public void Hostile_or_malformed_compose_paths_are_refused_on_the_compose_path_field(string path)
    {
        var errors = new FieldErrors();

        ComposeSourceRules.ValidateComposePath(path, errors);

        Assert.False(errors.IsEmpty, $"'{path}' was accepted");
        Assert.Contains(nameof(ApplicationInput.ComposePath), errors.ToError().FieldErrors.Keys);
    }

    [Fact]
    public void A_compose_path_longer_than_255_characters_is_refused_and_a_huge_one_is_refused_quickly_without_echoing_it()
    {
        var longest = new string('a', ComposeSourceRules.ComposePathMaxLength - 4) + ".yml";
        var tooLong = "a" + longest;
        var huge = string.Concat(Enumerable.Repeat("a/", 500_000)) + "x.yml";

        var ok = new FieldErrors();
        ComposeSourceRules.ValidateComposePath(longest, ok);
        var refused = new FieldErrors();
        ComposeSourceRules.ValidateComposePath(tooLong, refused);
        var hugeRefused = new FieldErrors();
        ComposeSourceRules.ValidateComposePath(huge, hugeRefused);

        Assert.True(ok.IsEmpty);
        Assert.False(refused.IsEmpty);
        var message = Assert.Single(hugeRefused.ToError().FieldErrors[nameof(ApplicationInput.ComposePath)]);
        Assert.True(message.Length < 300, "the refusal echoed the input");
    }

    [Theory]
    [InlineData("web", true)]
    [InlineData("worker-2", true)]
    [InlineData("db_primary", true)]
    [InlineData("0cache", true)]
    [InlineData("Web", false)]
    [InlineData("-web", false)]
    [InlineData("_web", false)]
    [InlineData("we b", false)]
    [InlineData("web.internal", false)]
    [InlineData("wéb", false)]
    [InlineData("web\n", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("$(id)", false)]
    public void Service_names_are_lower_case_dns_labels_with_underscores(string? name, bool valid) =>
        Assert.Equal(valid, ComposeSourceRules.IsServiceName(name));

    [Fact]
    public void A_63_character_service_name_is_one_and_64_is_not()
    {
        Assert.True(ComposeSourceRules.IsServiceName(new string('a', 63)));
        Assert.False(ComposeSourceRules.IsServiceName(new string('a', 64)));
    }

    [Fact]
    public void A_compose_applications_domains_name_their_service_and_keep_it()
    {
        var errors = new FieldErrors();

        var routes = ProjectInputRules.ParseDomains("web: Shop.Example.com\napi:shop.example.com/api, admin : admin.example.com/", errors, compose: true);

        Assert.True(errors.IsEmpty, errors.IsEmpty ? null : errors.ToError().Message);
        Assert.Equal(
            [("web", "shop.example.com", (string?)null), ("api", "shop.example.com", "/api"), ("admin", "admin.example.com", null)],
            routes.Select(r => (r.Service!, r.Host, r.PathPrefix)));
        Assert.Equal(["web: shop.example.com", "api: shop.example.com/api", "admin: admin.example.com"], routes.Select(r => r.ToInputText()));
    }

    [Fact]
    public void Domain_rows_split_from_the_text_and_join_back_to_it_dropping_only_wholly_empty_rows()
    {
        var rows = ComposeServiceDomain.FromText("web: shop.example.com\r\napi:shop.example.com/api, bare.example.com");
        rows.Add(new ComposeServiceDomain { Service = " ", Route = "" });
        rows.Add(new ComposeServiceDomain { Service = "worker", Route = null });

        Assert.Equal([("web", "shop.example.com"), ("api", "shop.example.com/api"), ((string?)null, "bare.example.com"), (" ", ""), ("worker", null)],
            rows.Select(r => (r.Service, r.Route)));
        Assert.Equal("web: shop.example.com\napi: shop.example.com/api\nbare.example.com\nworker: ", ComposeServiceDomain.ToText(rows));
    }

    [Fact]
    public void A_row_missing_its_service_reaches_the_rules_as_typed_and_is_refused_there()
    {
        var errors = new FieldErrors();

        ProjectInputRules.ParseDomains(ComposeServiceDomain.ToText([new() { Route = "shop.example.com" }, new() { Service = "web" }]), errors, compose: true);

        Assert.Equal(2, errors.ToError().FieldErrors["Domains"].Length);
    }

    [Theory]
    [InlineData("shop.example.com", "needs the compose service")]
    [InlineData("Web: shop.example.com", "not a service name")]
    [InlineData("-web: shop.example.com", "not a service name")]
    [InlineData(": shop.example.com", "not a service name")]
    [InlineData("$(id): shop.example.com", "not a service name")]
    [InlineData("web: shop.example.com:8080", "not a valid host name")]
    [InlineData("web: ", "not a valid host name")]
    [InlineData("web: shop.example.com\napi: shop.example.com", "listed twice")]
    public void A_compose_domain_without_a_valid_service_or_route_is_refused(string text, string expected)
    {
        var errors = new FieldErrors();

        ProjectInputRules.ParseDomains(text, errors, compose: true);

        Assert.Contains(expected, Assert.Single(errors.ToError().FieldErrors["Domains"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_applications_domain_may_not_name_a_service()
    {
        var errors = new FieldErrors();

        ProjectInputRules.ParseDomains("web: shop.example.com", errors);

        Assert.Contains("only a compose application's domains do", Assert.Single(errors.ToError().FieldErrors["Domains"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_variables_services_are_trimmed_and_deduplicated_and_none_means_every_service()
    {
        var errors = new FieldErrors();

        var some = ComposeSourceRules.ValidateVariableServices([" web", "worker", "web "], compose: true, errors);
        var none = ComposeSourceRules.ValidateVariableServices([], compose: true, errors);

        Assert.True(errors.IsEmpty);
        Assert.Equal(["web", "worker"], some);
        Assert.Null(none);
        Assert.Equal(["web", "worker"], ComposeSourceRules.SplitServices(" web, worker\n"));
    }

    [Theory]
    [InlineData("Web")]
    [InlineData("../web")]
    [InlineData("web;reboot")]
    [InlineData("")]
    public void A_variable_naming_a_malformed_service_is_refused(string service)
    {
        var errors = new FieldErrors();

        ComposeSourceRules.ValidateVariableServices(["web", service], compose: true, errors);

        Assert.Contains("Services", errors.ToError().FieldErrors.Keys);
    }

    [Fact]
    public void A_variable_names_at_most_32_services_and_only_on_a_compose_application()
    {
        var tooMany = new FieldErrors();
        var notCompose = new FieldErrors();

        ComposeSourceRules.ValidateVariableServices(Enumerable.Range(0, 33).Select(i => $"s{i}").ToList(), compose: true, tooMany);
        ComposeSourceRules.ValidateVariableServices(["web"], compose: false, notCompose);

        Assert.Contains("at most 32", Assert.Single(tooMany.ToError().FieldErrors["Services"]), StringComparison.Ordinal);
        Assert.Contains("Only a compose application", Assert.Single(notCompose.ToError().FieldErrors["Services"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApplicationSourceKind.Git, ApplicationSourceKind.Compose, false)]
    [InlineData(ApplicationSourceKind.Image, ApplicationSourceKind.Compose, false)]
    [InlineData(ApplicationSourceKind.Compose, ApplicationSourceKind.Git, false)]
    [InlineData(ApplicationSourceKind.Compose, ApplicationSourceKind.Image, false)]
    [InlineData(ApplicationSourceKind.Compose, ApplicationSourceKind.Compose, true)]
    [InlineData(ApplicationSourceKind.Git, ApplicationSourceKind.Image, true)]
    public void A_compose_application_stays_one_and_no_other_becomes_one(ApplicationSourceKind current, ApplicationSourceKind requested, bool allowed) =>
        Assert.Equal(allowed, ComposeSourceRules.RefuseKindChange(current, requested) is null);
}
