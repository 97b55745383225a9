using System.Text;
using GoForge.Core.Compose;
using GoForge.Infrastructure.Yaml;

namespace GoForge.Infrastructure.Compose;

/// <summary>
/// Compose files' YAML through the same strict event walker as catalog templates (<see cref="StrictYaml"/>): one
/// document, no anchors, aliases or tags, no duplicate keys, at most <see cref="ComposeNode.MaxDepth"/> levels and
/// <see cref="ComposeNode.MaxFileBytes"/> bytes. Every node keeps its line.
/// </summary>
internal sealed class ComposeSyntax : IComposeSyntax
{
    public static readonly YamlLimits Limits = new(ComposeNode.MaxDepth, ComposeNode.MaxFileBytes, "a compose file", "GoForge's compose files");

    public bool TryParse(string text, out ComposeNode? root, out ComposeProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        root = null;
        problem = null;
        try
        {
            StrictYaml.CheckSize(Encoding.UTF8.GetByteCount(text), Limits);
            root = StrictYaml.Parse(text, Limits, TreeBuilder.Instance);
            return true;
        }
        catch (StrictYamlException e)
        {
            problem = new ComposeProblem("(file)", e.Line, e.Message);
            return false;
        }
    }

    private sealed class TreeBuilder : IYamlTreeBuilder<ComposeNode>
    {
        public static readonly TreeBuilder Instance = new();

        public ComposeNode Scalar(string? value, int line) => new ComposeScalar(value, line);

        public ComposeNode List(IReadOnlyList<ComposeNode> items, int line) => new ComposeList(items, line);

        public ComposeNode Map(IReadOnlyList<YamlEntry<ComposeNode>> entries, int line) =>
            new ComposeMap(entries.Select(e => new ComposeEntry(e.Key, e.KeyLine, e.Value)).ToList(), line);
    }
}
