using Docker.DotNet.Models;
using GoForge.Tests.Catalog;
using GoForge.Tests.Harness;

namespace GoForge.Tests.Support;

/// <summary>
/// A catalog folder (<c>GoForge:Catalog:TemplateFolder</c>) with the test template <c>test-kv</c>, its image built
/// locally, and <c>test-absent</c>, the same but with an image no registry has. Deleted on dispose.
/// With <c>secondVersion</c>, <c>test-kv</c> offers that version too: a second local tag of the same image.
/// </summary>
public sealed class TestTemplateFolder : IDisposable
{
    private TestTemplateFolder(string path) => Path = path;

    public string Path { get; }

    public static async Task<TestTemplateFolder> CreateAsync(DockerFixture docker, string? secondVersion = null)
    {
        ArgumentNullException.ThrowIfNull(docker);
        await BusyboxImage.EnsureAsync(docker.Client);
        var template = await File.ReadAllTextAsync(CatalogSamples.TestTemplatePath);
        var testKv = template;
        if (secondVersion is not null)
        {
            await docker.Client.Images.TagImageAsync(BusyboxImage.Tag, new ImageTagParameters { RepositoryName = "goforge-test/busybox-httpd", Tag = secondVersion });
            testKv = template.Replace("versions: [latest]", $"versions: [latest, {secondVersion}]", StringComparison.Ordinal);
        }

        var folder = new TestTemplateFolder(Directory.CreateTempSubdirectory("goforge-templates-").FullName);
        await File.WriteAllTextAsync(System.IO.Path.Combine(folder.Path, "test-kv.yaml"), testKv);
        await folder.AddVariantAsync("test-absent", "127.0.0.1:9/goforge-test/absent");
        return folder;
    }

    /// <summary>
    /// Adds a copy of <c>test-kv</c> named <paramref name="id"/> whose image is <paramref name="image"/>, offering
    /// <paramref name="versions"/> (default: <c>latest</c> only; the first is the default version).
    /// </summary>
    public async Task AddVariantAsync(string id, string image, params string[] versions)
    {
        var template = await File.ReadAllTextAsync(CatalogSamples.TestTemplatePath);
        await File.WriteAllTextAsync(System.IO.Path.Combine(Path, id + ".yaml"), template
            .Replace("id: test-kv", "id: " + id, StringComparison.Ordinal)
            .Replace("name: Test KV", "name: " + id, StringComparison.Ordinal)
            .Replace("image: goforge-test/busybox-httpd", "image: " + image, StringComparison.Ordinal)
            .Replace("versions: [latest]", $"versions: [{string.Join(", ", versions.Length == 0 ? ["latest"] : versions)}]", StringComparison.Ordinal));
    }

    /// <summary>
    /// Adds a copy of <c>test-kv</c> named <paramref name="id"/> without its <c>http</c> section: a service no domain
    /// routes, checked over TCP by the panel, or, with <paramref name="execCheck"/>, by the engine inside the container.
    /// </summary>
    public async Task AddUnroutedVariantAsync(string id, bool execCheck = false)
    {
        var template = await File.ReadAllTextAsync(CatalogSamples.TestTemplatePath);
        await File.WriteAllTextAsync(System.IO.Path.Combine(Path, id + ".yaml"), template
            .Replace("id: test-kv", "id: " + id, StringComparison.Ordinal)
            .Replace("name: Test KV", "name: " + id, StringComparison.Ordinal)
            .Replace("http:\n  port: 8080\n", string.Empty, StringComparison.Ordinal)
            .Replace("  public_url:\n    label: Public URL\n    value: \"https://{{domain}}/\"\n", string.Empty, StringComparison.Ordinal)
            .Replace("  tcp: 8080\n", execCheck ? "  exec: [\"true\"]\n" : "  tcp: 8080\n", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
