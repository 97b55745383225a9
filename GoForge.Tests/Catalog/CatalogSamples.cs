using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GoForge.Core.Catalog;
using GoForge.Core.Common;
using GoForge.Infrastructure.Catalog;

namespace GoForge.Tests.Catalog;

/// <summary>Templates for the catalog tests: a valid base to vary, the test template, and the one path every file takes.</summary>
internal static class CatalogSamples
{
    public const string Host = "svc-sample";
    public const string Domain = "svc.example.com";

    public static readonly string TemplatesFolder = Path.Combine(AppContext.BaseDirectory, "Catalog", "Templates");

    /// <summary>The test template (not shipped): the busybox image with a volume, a secret input and URLs.</summary>
    public static readonly string TestTemplatePath = Path.Combine(TemplatesFolder, "test-kv.yaml");

    /// <summary>Valid, and small enough that each hostile test changes one block of it.</summary>
    public const string Base = """
        id: sample
        name: Sample
        category: database
        description: A sample template for tests.
        image: example/sample
        versions: ["1.0", "0.9"]
        ports:
          - name: main
            port: 8080
            main: true
        inputs:
          password:
            generate: password:24
            secret: true
        environment:
          SAMPLE_PASSWORD: "{{password}}"
        command: [sample, --listen, "8080"]
        volumes:
          - name: data
            mount_path: /data
        health_check:
          tcp: 8080
        outputs:
          url:
            value: "http://sample:{{password}}@{{host}}:{{port}}"
            secret: true
        """;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary><see cref="Base"/> with the top-level block <paramref name="key"/> replaced by <paramref name="block"/>, or added.</summary>
    public static string With(string key, string block) => With(Base, key, block);

    public static string With(string yaml, string key, string block)
    {
        var lines = yaml.ReplaceLineEndings("\n").Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        if (start < 0)
        {
            return yaml + "\n" + block;
        }

        var end = start + 1;
        while (end < lines.Count && (lines[end].StartsWith(' ') || lines[end].StartsWith('-')))
        {
            end++;
        }

        lines.RemoveRange(start, end - start);
        lines.Insert(start, block);
        return string.Join('\n', lines);
    }

    public static Result<ServiceTemplate> Read(string text, string file = "sample.yaml", TemplateOrigin origin = TemplateOrigin.Folder) =>
        ServiceTemplateLoader.ReadFile(file, Encoding.UTF8.GetBytes(text), origin);

    public static ServiceTemplate Valid(string text, string file = "sample.yaml")
    {
        var read = Read(text, file);
        Assert.True(read.IsSuccess, read.IsSuccess ? null : read.Error.Message);
        return read.Value;
    }

    /// <summary>Every message of a refused template, one a line.</summary>
    public static string Refusal(string text, string file = "sample.yaml")
    {
        var read = Read(text, file);
        Assert.False(read.IsSuccess, "a hostile template loaded");
        Assert.Equal(ErrorKind.Validation, read.Error.Kind);
        return string.Join("\n", read.Error.FieldErrors.Values.SelectMany(m => m));
    }

    public static ServiceTemplate TestTemplate() => Valid(File.ReadAllText(TestTemplatePath), "test-kv.yaml");

    /// <summary>A template as text, lists and all, for comparing two loads field by field.</summary>
    public static string Dump(ServiceTemplate template) => JsonSerializer.Serialize(template, Json);

    /// <summary>Names of the templates embedded in GoForge.Infrastructure, as the loader sees them.</summary>
    public static IEnumerable<string> BuiltInFiles() =>
        typeof(ServiceTemplateLoader).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ServiceTemplateLoader.ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ServiceTemplateLoader.ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal);

    public static byte[] BuiltInContent(string file)
    {
        using var stream = typeof(ServiceTemplateLoader).Assembly.GetManifestResourceStream(ServiceTemplateLoader.ResourcePrefix + file)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
