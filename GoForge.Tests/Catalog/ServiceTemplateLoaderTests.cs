using System.Text;
using GoForge.Core.Catalog;
using GoForge.Infrastructure.Catalog;
using GoForge.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static GoForge.Tests.Catalog.CatalogSamples;

namespace GoForge.Tests.Catalog;

public sealed class ServiceTemplateLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("goforge-templates-").FullName;
    private readonly CapturedLogs _logs = new();

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private ServiceTemplateLoader Loader(string? folder)
    {
        using var factory = new LoggerFactory([_logs]);
        return new ServiceTemplateLoader(Options.Create(new CatalogOptions { TemplateFolder = folder }), factory.CreateLogger<ServiceTemplateLoader>());
    }

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_folder, file), text, Encoding.UTF8);

    [Fact]
    public void The_yaml_and_json_versions_of_one_template_load_identically()
    {
        var yaml = Valid(File.ReadAllText(TestTemplatePath), "test-kv.yaml");
        var json = Valid(File.ReadAllText(Path.Combine(TemplatesFolder, "test-kv.json")), "test-kv.json");

        Assert.Equal(Dump(yaml), Dump(json));
        Assert.Equal(["KV_PASSWORD", "KV_REALM", "KV_TOKEN"], json.Environment.Select(v => v.Key));
    }

    [Fact]
    public void Json_refuses_what_yaml_refuses()
    {
        var message = Refusal("""{"id": "sample", "privileged": true, "id": "other"}""", "sample.json");

        Assert.Contains("sets 'id' twice", message, StringComparison.Ordinal);
        Assert.Contains("asks for privileged mode", Refusal("""{"id": "sample", "privileged": true}""", "sample.json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_file_in_the_folder_is_reported_and_skipped_while_the_good_ones_load()
    {
        Write("good.yaml", With("id", "id: custom-good"));
        Write("also-good.json", """
            {"id": "custom-json", "name": "Custom JSON", "category": "tool", "description": "From JSON.", "image": "example/json",
             "versions": ["1"], "ports": [{"name": "http", "port": 80}], "outputs": {"url": {"value": "http://{{host}}:{{port}}"}}}
            """);
        Write("broken.yaml", With("id", "id: custom-broken") + "\nprivileged: true");
        Write("garbage.json", "{ not json");
        Write("README.md", "not a template");
        Write(".editor-swap.yaml", "{{{");

        var catalog = await Loader(_folder).LoadAsync();

        Assert.Contains(catalog.Templates, t => t is { Id: "custom-good", Origin: TemplateOrigin.Folder });
        Assert.Contains(catalog.Templates, t => t is { Id: "custom-json", Origin: TemplateOrigin.Folder });
        Assert.Contains(catalog.Templates, t => t is { Id: "postgresql", Origin: TemplateOrigin.BuiltIn });
        Assert.DoesNotContain(catalog.Templates, t => t.Id == "custom-broken");
        Assert.Equal(["broken.yaml", "garbage.json"], catalog.Errors.Select(e => e.File));
        Assert.All(catalog.Errors, e => Assert.Equal(TemplateOrigin.Folder, e.Origin));
        Assert.Contains("Template 'custom-broken', privileged: 'privileged' asks for privileged mode", Assert.Single(catalog.Errors[0].Problems), StringComparison.Ordinal);
        Assert.Contains("Template file 'garbage.json' is not valid JSON", Assert.Single(catalog.Errors[1].Problems), StringComparison.Ordinal);
        Assert.Contains(_logs.Messages, m => m.Contains("broken.yaml", StringComparison.Ordinal) && m.Contains("privileged", StringComparison.Ordinal));
        Assert.Contains(_logs.Messages, m => m.Contains("garbage.json", StringComparison.Ordinal) && m.Contains("not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_folder_template_replaces_the_built_in_one_with_the_same_id()
    {
        var builtIns = (await Loader(null).LoadAsync()).Templates.Count;
        var postgres = With(With(Base, "id", "id: postgresql"), "name", "name: Company PostgreSQL");
        Write("company-postgres.yaml", With(postgres, "image", "image: registry.example.com/company/postgres"));

        var catalog = await Loader(_folder).LoadAsync();

        Assert.Empty(catalog.Errors);
        Assert.Equal(builtIns, catalog.Templates.Count);
        var replaced = Assert.Single(catalog.Templates, t => t.Id == "postgresql");
        Assert.Equal(("Company PostgreSQL", "registry.example.com/company/postgres", TemplateOrigin.Folder), (replaced.Name, replaced.Image, replaced.Origin));
        Assert.Contains(_logs.Messages, m => m.Contains("postgresql", StringComparison.Ordinal) && m.Contains("replaces the built-in one", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_files_of_the_folder_with_one_id_keep_the_first_and_refuse_the_second()
    {
        Write("a.yaml", With(Base, "name", "name: First"));
        Write("b.yaml", With(Base, "name", "name: Second"));

        var catalog = await Loader(_folder).LoadAsync();

        Assert.Equal("First", Assert.Single(catalog.Templates, t => t.Id == "sample").Name);
        var error = Assert.Single(catalog.Errors);
        Assert.Equal("b.yaml", error.File);
        Assert.Contains("the id is already taken by a.yaml", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_file_is_refused_without_being_read()
    {
        Write("huge.yaml", Base + "\n#" + new string('x', TemplateNode.MaxFileBytes));

        var catalog = await Loader(_folder).LoadAsync();

        Assert.Contains("a template file has at most 65536", Assert.Single(Assert.Single(catalog.Errors).Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_that_vanished_after_start_is_an_error_and_the_built_ins_still_load()
    {
        Directory.Delete(_folder, recursive: true);

        var catalog = await Loader(_folder).LoadAsync();

        Assert.Contains("cannot be read", Assert.Single(Assert.Single(catalog.Errors).Problems), StringComparison.Ordinal);
        Assert.Contains(catalog.Templates, t => t.Id == "redis");
    }

    [Fact]
    public async Task The_registered_source_reads_the_configured_folder()
    {
        Write("custom.yaml", With("id", "id: custom"));
        using var provider = Services(_folder).BuildServiceProvider();

        var catalog = await provider.GetRequiredService<IServiceTemplateSource>().LoadAsync();

        Assert.Contains(catalog.Templates, t => t.Id == "custom");
    }

    [Theory]
    [InlineData("relative/templates", "must be an absolute path")]
    [InlineData("/nonexistent/goforge-templates", "is not an existing folder")]
    public void A_bad_template_folder_stops_start_up_naming_the_key(string folder, string reason)
    {
        using var provider = Services(folder).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CatalogOptions>>().Value);
        Assert.Contains("GoForge:Catalog:TemplateFolder", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_template_folder_is_fine()
    {
        using var provider = Services(null).BuildServiceProvider();

        Assert.Null(provider.GetRequiredService<IOptions<CatalogOptions>>().Value.TemplateFolder);
    }

    private static ServiceCollection Services(string? folder)
    {
        var services = new ServiceCollection();
        var settings = new Dictionary<string, string?>();
        if (folder is not null)
        {
            settings[$"{CatalogOptions.SectionName}:{nameof(CatalogOptions.TemplateFolder)}"] = folder;
        }

        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddServiceCatalog();
        return services;
    }
}
