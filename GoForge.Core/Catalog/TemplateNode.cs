namespace GoForge.Core.Catalog;

/// <summary>
/// A template file as a plain tree of mappings, lists and text, whatever its syntax. Infrastructure turns YAML and
/// JSON into this tree (refusing anchors, aliases, tags and duplicate keys on the way), and <see cref="TemplateReader"/>
/// reads it with one set of rules: so a YAML template and its JSON twin load identically by construction.
/// </summary>
public abstract record TemplateNode
{
    /// <summary>Deepest nesting a template needs is 4 (<c>health_check.http.path</c>); more is refused while parsing.</summary>
    public const int MaxDepth = 16;

    /// <summary>Largest template file read; real ones are a few kilobytes.</summary>
    public const int MaxFileBytes = 64 * 1024;
}

/// <summary>A mapping, keys in file order and unique.</summary>
public sealed record TemplateMap(IReadOnlyList<KeyValuePair<string, TemplateNode>> Entries) : TemplateNode;

public sealed record TemplateList(IReadOnlyList<TemplateNode> Items) : TemplateNode;

/// <summary>
/// A scalar as written: YAML's text, or JSON's string, number or boolean as text. <see cref="Value"/> is null for
/// YAML's <c>null</c>/<c>~</c>/empty and JSON's <c>null</c>.
/// </summary>
public sealed record TemplateScalar(string? Value) : TemplateNode;
