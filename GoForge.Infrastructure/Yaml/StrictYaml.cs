using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GoForge.Infrastructure.Yaml;

/// <summary>A file that is not well-formed YAML, or uses what a strict reader never needs; <see cref="Line"/> is 0 when no line applies.</summary>
internal sealed class StrictYamlException(string message, int line = 0) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>Builds one reader's node type from the walker's events (catalog templates, compose files).</summary>
internal interface IYamlTreeBuilder<TNode>
{
    /// <param name="value">The text; null for YAML's <c>null</c>, <c>~</c> or nothing (unquoted).</param>
    TNode Scalar(string? value, int line);

    TNode List(IReadOnlyList<TNode> items, int line);

    TNode Map(IReadOnlyList<YamlEntry<TNode>> entries, int line);
}

/// <summary>A mapping's entry: its key (plain text, unique in the mapping), the key's line, and its value.</summary>
internal readonly record struct YamlEntry<TNode>(string Key, int KeyLine, TNode Value);

/// <summary>How strict a reader is, and how its messages name the file's kind.</summary>
/// <param name="MaxDepth">Deepest nesting accepted.</param>
/// <param name="MaxBytes">Largest file accepted, in bytes.</param>
/// <param name="File">The file's kind with its article, as in "a template file".</param>
/// <param name="Readers">Who writes every value out, as in "templates".</param>
internal sealed record YamlLimits(int MaxDepth, int MaxBytes, string File, string Readers);

/// <summary>
/// YAML through YamlDotNet's parser (events, not its object deserializer, so nothing in the file chooses a .NET type),
/// refusing what a strict reader never needs and what makes a small file expensive or ambiguous: more than one
/// document, anchors and aliases (the "billion laughs" expansion), explicit tags, duplicate keys (which would let a
/// second <c>image:</c> silently win), nesting deeper than <see cref="YamlLimits.MaxDepth"/>, files over
/// <see cref="YamlLimits.MaxBytes"/>, and bytes that are not UTF-8.
/// </summary>
internal static class StrictYaml
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The UTF-8 text of <paramref name="content"/> (a byte-order mark dropped), within the size cap.</summary>
    public static string Decode(ReadOnlySpan<byte> content, YamlLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        CheckSize(content.Length, limits);
        try
        {
            return StrictUtf8.GetString(content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? content[3..] : content);
        }
        catch (DecoderFallbackException)
        {
            throw new StrictYamlException("is not UTF-8 text.");
        }
    }

    public static void CheckSize(long bytes, YamlLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (bytes > limits.MaxBytes)
        {
            throw new StrictYamlException($"is {bytes} bytes; {limits.File} has at most {limits.MaxBytes}.");
        }
    }

    /// <summary>The one document of <paramref name="text"/> as <paramref name="builder"/>'s tree.</summary>
    public static TNode Parse<TNode>(string text, YamlLimits limits, IYamlTreeBuilder<TNode> builder)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(builder);
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                throw new StrictYamlException("is empty.");
            }

            var root = new Walker<TNode>(parser, limits, builder).Read(1);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                throw new StrictYamlException($"holds more than one YAML document; {limits.File} holds one.", (int)(parser.Current?.Start.Line ?? 0));
            }

            return root;
        }
        catch (YamlException e)
        {
            throw new StrictYamlException($"is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message}", (int)e.Start.Line);
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private sealed class Walker<TNode>(IParser parser, YamlLimits limits, IYamlTreeBuilder<TNode> builder)
    {
        public TNode Read(int depth)
        {
            var current = parser.Current;
            var line = (int)(current?.Start.Line ?? 0);
            if (depth > limits.MaxDepth)
            {
                throw new StrictYamlException($"nests deeper than {limits.MaxDepth} levels (line {line}).", line);
            }

            switch (current)
            {
                case AnchorAlias:
                    throw new StrictYamlException($"uses a YAML alias (line {line}); {limits.Readers} write every value out.", line);
                case NodeEvent { Anchor.IsEmpty: false }:
                    throw new StrictYamlException($"uses a YAML anchor (line {line}); {limits.Readers} write every value out.", line);
                case NodeEvent { Tag.IsEmpty: false, Tag.IsNonSpecific: false } tagged:
                    throw new StrictYamlException($"uses the YAML tag '{tagged.Tag}' (line {line}); {limits.Readers} use plain values.", line);
                case Scalar scalar:
                    parser.MoveNext();
                    return builder.Scalar(IsNull(scalar) ? null : scalar.Value, line);
                case SequenceStart:
                    parser.MoveNext();
                    var items = new List<TNode>();
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        items.Add(Read(depth + 1));
                    }

                    return builder.List(items, line);
                case MappingStart:
                    parser.MoveNext();
                    return builder.Map(ReadEntries(depth), line);
                default:
                    throw new StrictYamlException($"has an unexpected YAML element (line {line}).", line);
            }
        }

        private List<YamlEntry<TNode>> ReadEntries(int depth)
        {
            var entries = new List<YamlEntry<TNode>>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyLine = (int)(parser.Current?.Start.Line ?? 0);
                if (parser.Current is not Scalar { Anchor.IsEmpty: true } keyScalar
                    || (!keyScalar.Tag.IsEmpty && !keyScalar.Tag.IsNonSpecific)
                    || IsNull(keyScalar))
                {
                    if (parser.Current is NodeEvent { Anchor.IsEmpty: false } or AnchorAlias or NodeEvent { Tag.IsEmpty: false, Tag.IsNonSpecific: false })
                    {
                        Read(depth + 1);
                    }

                    throw new StrictYamlException($"has a key that is not plain text (line {keyLine}); in YAML, quote a value that starts with '{{{{' or '['.", keyLine);
                }

                parser.MoveNext();
                var key = keyScalar.Value;
                if (!keys.Add(key))
                {
                    throw new StrictYamlException($"sets '{Shorten(key)}' twice in one mapping (line {keyLine}).", keyLine);
                }

                entries.Add(new(key, keyLine, Read(depth + 1)));
            }

            return entries;
        }

        /// <summary>YAML 1.2's core schema: an unquoted <c>null</c>, <c>~</c> or nothing.</summary>
        private static bool IsNull(Scalar scalar) =>
            scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
    }
}
