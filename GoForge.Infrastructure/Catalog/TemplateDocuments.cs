using System.Text;
using System.Text.Json;
using GoForge.Core.Catalog;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GoForge.Infrastructure.Catalog;

/// <summary>A template file that is not well-formed YAML or JSON, or uses what templates never need.</summary>
internal sealed class TemplateSyntaxException(string message) : Exception(message);

/// <summary>
/// Turns template files into Core's <see cref="TemplateNode"/> tree: YAML through YamlDotNet's parser (events, not its
/// object deserializer, so nothing in the file chooses a .NET type), JSON through <see cref="JsonDocument"/>. Both
/// refuse what a template never needs and what makes a small file expensive or ambiguous: more than one document,
/// anchors and aliases (the "billion laughs" expansion), explicit tags, duplicate keys (which would let a second
/// <c>image:</c> silently win), nesting deeper than <see cref="TemplateNode.MaxDepth"/>, and files over
/// <see cref="TemplateNode.MaxFileBytes"/>.
/// </summary>
internal static class TemplateDocuments
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The tree in <paramref name="content"/>; YAML unless the file name ends in <c>.json</c>.</summary>
    public static TemplateNode Parse(string fileName, ReadOnlySpan<byte> content)
    {
        if (content.Length > TemplateNode.MaxFileBytes)
        {
            throw new TemplateSyntaxException($"is {content.Length} bytes; a template file has at most {TemplateNode.MaxFileBytes}.");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? content[3..] : content);
        }
        catch (DecoderFallbackException)
        {
            throw new TemplateSyntaxException("is not UTF-8 text.");
        }

        return fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(text) : ParseYaml(text);
    }

    public static TemplateNode ParseYaml(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                throw new TemplateSyntaxException("is empty.");
            }

            var root = ReadYaml(parser, 1);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                throw new TemplateSyntaxException("holds more than one YAML document; a template file holds one.");
            }

            return root;
        }
        catch (YamlException e)
        {
            throw new TemplateSyntaxException($"is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message}");
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

    private static TemplateNode ReadYaml(IParser parser, int depth)
    {
        var current = parser.Current;
        var line = current?.Start.Line ?? 0;
        if (depth > TemplateNode.MaxDepth)
        {
            throw new TemplateSyntaxException($"nests deeper than {TemplateNode.MaxDepth} levels (line {line}).");
        }

        switch (current)
        {
            case AnchorAlias:
                throw new TemplateSyntaxException($"uses a YAML alias (line {line}); templates write every value out.");
            case NodeEvent { Anchor.IsEmpty: false }:
                throw new TemplateSyntaxException($"uses a YAML anchor (line {line}); templates write every value out.");
            case NodeEvent { Tag.IsEmpty: false, Tag.IsNonSpecific: false } tagged:
                throw new TemplateSyntaxException($"uses the YAML tag '{tagged.Tag}' (line {line}); templates use plain values.");
            case Scalar scalar:
                parser.MoveNext();
                return new TemplateScalar(IsNull(scalar) ? null : scalar.Value);
            case SequenceStart:
                parser.MoveNext();
                var items = new List<TemplateNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadYaml(parser, depth + 1));
                }

                return new TemplateList(items);
            case MappingStart:
                parser.MoveNext();
                var entries = new List<KeyValuePair<string, TemplateNode>>();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyLine = parser.Current?.Start.Line ?? 0;
                    if (ReadYaml(parser, depth + 1) is not TemplateScalar { Value: { } key })
                    {
                        throw new TemplateSyntaxException($"has a key that is not plain text (line {keyLine}); in YAML, quote a value that starts with '{{{{' or '['.");
                    }

                    if (!keys.Add(key))
                    {
                        throw new TemplateSyntaxException($"sets '{Shorten(key)}' twice in one mapping (line {keyLine}).");
                    }

                    entries.Add(new(key, ReadYaml(parser, depth + 1)));
                }

                return new TemplateMap(entries);
            default:
                throw new TemplateSyntaxException($"has an unexpected YAML element (line {line}).");
        }
    }

    /// <summary>YAML 1.2's core schema: an unquoted <c>null</c>, <c>~</c> or nothing.</summary>
    private static bool IsNull(Scalar scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";

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
}
