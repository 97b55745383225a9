using System.Text.Json;
using System.Text.Json.Nodes;
using GoForge.Tests.Support;
using Json.Schema;

namespace GoForge.Tests.Proxy.Traefik;

/// <summary>
/// Traefik v3's dynamic-configuration JSON schema (SchemaStore's <c>traefik-v3-file-provider.json</c>, kept in
/// <c>../shared/schemas/</c> beside the repository; CI has it there too), and validation against it with JsonSchema.Net.
/// </summary>
internal static class TraefikSchema
{
    public static readonly string PathOfSchema = Path.GetFullPath(Path.Combine(RepositoryFiles.Root, "..", "shared", "schemas", "traefik-v3-file-provider.json"));

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFile(PathOfSchema));

    /// <summary>The schema's complaints about <paramref name="json"/> (where, and what); empty when it validates.</summary>
    public static IReadOnlyList<string> Problems(string json)
    {
        Assert.True(File.Exists(PathOfSchema), $"Traefik's schema is missing at {PathOfSchema} (see ../shared/schemas/README.md).");
        using var document = JsonDocument.Parse(json);
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var problems = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .ToList();
        return problems.Count > 0 ? problems : ["invalid (no detail given)"];
    }

    /// <summary>Asserts that <paramref name="json"/> is a Traefik v3 dynamic configuration, naming every problem otherwise.</summary>
    public static void AssertValid(string json, string what)
    {
        var problems = Problems(json);
        Assert.True(problems.Count == 0, $"{what} does not validate against Traefik's schema:\n{string.Join('\n', problems.Take(20))}");
    }

    /// <summary><paramref name="json"/> parsed, for tests that read values back.</summary>
    public static JsonNode Parse(string json) => JsonNode.Parse(json) ?? throw new InvalidOperationException("null document");
}
