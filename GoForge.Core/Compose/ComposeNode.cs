namespace GoForge.Core.Compose;

/// <summary>
/// A compose file as a plain tree of mappings, lists and text, each node with the line it starts on, so every refusal
/// can name the key and the line. Infrastructure builds it from YAML (<see cref="IComposeSyntax"/>), refusing anchors,
/// aliases, tags, duplicate keys, deep nesting and large files on the way; <see cref="ComposeReader"/> checks it.
/// </summary>
public abstract record ComposeNode(int Line)
{
    /// <summary>The deepest a compose file needs is about 6 (<c>services.x.deploy.resources.limits.cpus</c>); more is refused while parsing.</summary>
    public const int MaxDepth = 24;

    /// <summary>Largest compose file (and env_file) read: real ones are a few kilobytes.</summary>
    public const int MaxFileBytes = 256 * 1024;
}

/// <summary>A scalar as written; <see cref="Value"/> is null for YAML's <c>null</c>, <c>~</c> or nothing.</summary>
public sealed record ComposeScalar(string? Value, int Line) : ComposeNode(Line);

public sealed record ComposeList(IReadOnlyList<ComposeNode> Items, int Line) : ComposeNode(Line);

/// <summary>A mapping, keys in file order and unique.</summary>
public sealed record ComposeMap(IReadOnlyList<ComposeEntry> Entries, int Line) : ComposeNode(Line);

/// <summary>One entry of a <see cref="ComposeMap"/>: the key, the line the key is on, and its value.</summary>
public sealed record ComposeEntry(string Key, int KeyLine, ComposeNode Value);

/// <summary>Parses a compose file's text into a <see cref="ComposeNode"/> tree (YAML, strictly; Infrastructure's adapter).</summary>
public interface IComposeSyntax
{
    /// <summary>The tree of <paramref name="text"/>, or the problem (key "(file)", the line when there is one).</summary>
    bool TryParse(string text, out ComposeNode? root, out ComposeProblem? problem);
}
