using GoForge.Core.Catalog;
using GoForge.Infrastructure.Catalog;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static GoForge.Tests.Catalog.CatalogSamples;

namespace GoForge.Tests.Catalog;

/// <summary>
/// Every template GoForge ships (and the test template) passes the static checks and renders completely. No registry
/// is reachable here, so images, tags and health commands are checked for form only.
/// </summary>
public sealed class ShippedTemplateTests
{
    private static readonly string[] Required =
    [
        "postgresql", "mysql", "mariadb", "redis", "valkey", "mongodb", "minio", "rabbitmq", "meilisearch",
        "uptime-kuma", "gitea", "adminer",
    ];

    public static TheoryData<string> Files() => new(BuiltInFiles());

    [Fact]
    public async Task The_catalog_ships_every_template_of_the_issue_and_none_is_refused()
    {
        var loader = new ServiceTemplateLoader(Options.Create(new CatalogOptions()), NullLogger<ServiceTemplateLoader>.Instance);

        var catalog = await loader.LoadAsync();

        Assert.Empty(catalog.Errors);
        Assert.Equal(Required.Order(StringComparer.Ordinal), catalog.Templates.Select(t => t.Id));
        Assert.All(catalog.Templates, t => Assert.Equal(TemplateOrigin.BuiltIn, t.Origin));
        Assert.Equal(4, catalog.Templates.Select(t => t.Category).Distinct().Count(c => c is ServiceCategory.Database or ServiceCategory.Cache or ServiceCategory.Storage or ServiceCategory.Messaging));
        Assert.True(catalog.Templates.Count(t => t.Category == ServiceCategory.Tool) >= 3);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_shipped_template_passes_the_checks_and_is_named_after_its_id(string file)
    {
        var read = ServiceTemplateLoader.ReadFile(file, BuiltInContent(file), TemplateOrigin.BuiltIn);

        Assert.True(read.IsSuccess, read.IsSuccess ? null : read.Error.Message);
        Assert.Equal(read.Value.Id + ".yaml", file);
        Assert.NotNull(read.Value.Icon);
        Assert.NotNull(read.Value.HealthCheck);
        Assert.NotEmpty(read.Value.Outputs);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_shipped_template_renders_every_value_with_generated_inputs(string file)
    {
        var template = ServiceTemplateLoader.ReadFile(file, BuiltInContent(file), TemplateOrigin.BuiltIn).Value!;

        AssertRendersCompletely(template);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void A_shipped_template_stores_its_data_only_in_named_volumes_and_runs_no_shell(string file)
    {
        var template = ServiceTemplateLoader.ReadFile(file, BuiltInContent(file), TemplateOrigin.BuiltIn).Value!;

        Assert.All(template.Volumes, v => Assert.StartsWith("/", v.MountPath, StringComparison.Ordinal));
        Assert.DoesNotContain(template.Command.Concat(template.HealthCheck?.Exec ?? []), a => a is "sh" or "bash" or "-c");
        Assert.All(template.Inputs.Where(i => i.Generate?.Kind == GeneratorKind.Password), i => Assert.True(i.Secret, $"{template.Id}: {i.Name} is generated as a password but not secret"));
    }

    [Fact]
    public void The_test_template_passes_the_same_checks_and_renders_completely()
    {
        var template = TestTemplate();

        Assert.Equal("goforge-test/busybox-httpd", template.Image);
        Assert.Equal("goforge-test/busybox-httpd:latest", Harness.BusyboxImage.Tag);
        Assert.Equal(Harness.BusyboxImage.Port, template.MainPort.Port);
        AssertRendersCompletely(template);
    }

    [Fact]
    public void Rendering_fills_the_connection_url_from_the_inputs_and_the_host()
    {
        var postgres = ServiceTemplateLoader.ReadFile("postgresql.yaml", BuiltInContent("postgresql.yaml"), TemplateOrigin.BuiltIn).Value!;
        var inputs = new Dictionary<string, string> { ["user"] = "u_1234abcd", ["password"] = "s3cret", ["db"] = "shop" };

        var rendered = ServiceRenderer.Render(postgres, "16", inputs, "svc-shop-db", null);

        Assert.True(rendered.IsSuccess, rendered.IsSuccess ? null : rendered.Error.Message);
        Assert.Equal("postgres:16", rendered.Value.Image);
        Assert.Equal("postgres://u_1234abcd:s3cret@svc-shop-db:5432/shop", rendered.Value.Outputs.Single(o => o.Name == "url").Value);
        Assert.Equal(["pg_isready", "-U", "u_1234abcd", "-d", "shop"], rendered.Value.HealthCheckExec);
        Assert.Contains(new TemplateVariable("POSTGRES_PASSWORD", "s3cret"), rendered.Value.Environment);
    }

    [Theory]
    [InlineData("user", "a b")]
    [InlineData("user", "x@evil")]
    [InlineData("password", "p;rm -rf /")]
    [InlineData("password", "$(id)")]
    [InlineData("db", "-oProxyCommand")]
    [InlineData("db", "")]
    public void A_hostile_edited_input_is_refused_before_anything_is_rendered(string input, string value)
    {
        var postgres = ServiceTemplateLoader.ReadFile("postgresql.yaml", BuiltInContent("postgresql.yaml"), TemplateOrigin.BuiltIn).Value!;
        var inputs = new Dictionary<string, string>(ServiceRenderer.NewInputs(postgres)) { [input] = value };

        var rendered = ServiceRenderer.Render(postgres, postgres.DefaultVersion, inputs, Host, null);

        Assert.False(rendered.IsSuccess);
        Assert.Equal([$"inputs.{input}"], rendered.Error.FieldErrors.Keys);
    }

    [Fact]
    public void A_version_the_template_does_not_offer_is_refused()
    {
        var redis = ServiceTemplateLoader.ReadFile("redis.yaml", BuiltInContent("redis.yaml"), TemplateOrigin.BuiltIn).Value!;

        var rendered = ServiceRenderer.Render(redis, "latest; rm -rf /", ServiceRenderer.NewInputs(redis), Host, null);

        Assert.Equal(["version"], rendered.Error!.FieldErrors.Keys);
    }

    private static void AssertRendersCompletely(ServiceTemplate template)
    {
        var inputs = ServiceRenderer.NewInputs(template);
        Assert.Equal(template.Inputs.Select(i => i.Name), inputs.Keys);

        var rendered = ServiceRenderer.Render(template, template.DefaultVersion, inputs, Host, template.Http is null ? null : Domain);

        Assert.True(rendered.IsSuccess, rendered.IsSuccess ? null : rendered.Error.Message);
        var strings = rendered.Value.Environment.Select(v => v.Value)
            .Concat(rendered.Value.Command)
            .Concat(rendered.Value.HealthCheckExec)
            .Concat(rendered.Value.Outputs.Select(o => o.Value))
            .ToList();
        Assert.All(strings, s => Assert.DoesNotContain("{{", s, StringComparison.Ordinal));
        Assert.All(strings, s => Assert.DoesNotContain("}}", s, StringComparison.Ordinal));
        Assert.Equal($"{template.Image}:{template.DefaultVersion}", rendered.Value.Image);
        Assert.All(template.Inputs, i => Assert.Contains(strings, s => s.Contains(inputs[i.Name], StringComparison.Ordinal)));
    }
}
