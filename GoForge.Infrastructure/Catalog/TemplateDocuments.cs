using System.Text.Json;
using GoForge.Core.Catalog;
using GoForge.Infrastructure.Yaml;

namespace GoForge.Infrastructure.Catalog;

/// <summary>A template file that is not well-formed YAML or JSON, or uses what templates never need.</summary>
internal sealed class TemplateSyntaxException(string message) : Exception(message);

/// <summary>
/// Turns template files into Core's <see cref="TemplateNode"/> tree: YAML through <see cref="StrictYaml"/> (YamlDotNet's
/// parser events, not its object deserializer, so nothing in the file chooses a .NET type), JSON through <see cref="JsonDocument"/>. Both
/// refuse what a template never needs and what makes a small file expensive or ambiguous: more than one document,
/// anchors and aliases (the "billion laughs" expansion), explicit tags, duplicate keys (which would let a second
/// <c>image:</c> silently win), nesting deeper than <see cref="TemplateNode.MaxDepth"/>, and files over
/// <see cref="TemplateNode.MaxFileBytes"/>.
/// </summary>
internal static class TemplateDocuments
{
    private static readonly YamlLimits Limits = new(TemplateNode.MaxDepth, TemplateNode.MaxFileBytes, "a template file", "templates");

    /// <summary>The tree in <paramref name="content"/>; YAML unless the file name ends in <c>.json</c>.</summary>
    public static TemplateNode Parse(string fileName, ReadOnlySpan<byte> content)
    {
        string text;
        try
        {
            text = StrictYaml.Decode(content, Limits);
        }
        catch (StrictYamlException e)
        {
            throw new TemplateSyntaxException(e.Message);
        }

        return fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(text) : ParseYaml(text);
    }

    public static TemplateNode ParseYaml(string text)
    {
        try
        {
            return StrictYaml.Parse(text, Limits, TreeBuilder.Instance);
        }
        catch (StrictYamlException e)
        {
            throw new TemplateSyntaxException(e.Message);
        }
    }

    public static TemplateNode ParseJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = TemplateNode.MaxDepth });
            return FromJson(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new TemplateSyntaxException($"is not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }
    }

    private static TemplateNode FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var entries = new List<KeyValuePair<string, TemplateNode>>();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!keys.Add(property.Name))
                    {
                        throw new TemplateSyntaxException($"sets '{Shorten(property.Name)}' twice in one object.");
                    }

                    entries.Add(new(property.Name, FromJson(property.Value)));
                }

                return new TemplateMap(entries);
            case JsonValueKind.Array:
                return new TemplateList(element.EnumerateArray().Select(FromJson).ToList());
            case JsonValueKind.String:
                return new TemplateScalar(element.GetString());
            case JsonValueKind.Number:
                return new TemplateScalar(element.GetRawText());
            case JsonValueKind.True:
                return new TemplateScalar("true");
            case JsonValueKind.False:
                return new TemplateScalar("false");
            case JsonValueKind.Null:
                return new TemplateScalar(null);
            default:
                throw new TemplateSyntaxException("has an unexpected JSON element.");
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private sealed class TreeBuilder : IYamlTreeBuilder<TemplateNode>
    {
        public static readonly TreeBuilder Instance = new();

        public TemplateNode Scalar(string? value, int line) => new TemplateScalar(value);

        public TemplateNode List(IReadOnlyList<TemplateNode> items, int line) => new TemplateList(items);

        public TemplateNode Map(IReadOnlyList<YamlEntry<TemplateNode>> entries, int line) =>
            new TemplateMap(entries.Select(e => new KeyValuePair<string, TemplateNode>(e.Key, e.Value)).ToList());
    }
}
