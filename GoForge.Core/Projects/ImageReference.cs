using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace GoForge.Core.Projects;

/// <summary>
/// A registry image reference as a user gives it: <c>name:tag</c>, <c>registry:port/name:tag</c>, or
/// <c>name@sha256:…</c> (a tag and a digest together pin the digest). Parsed by the grammar of Docker's reference
/// package (distribution/reference), stricter in two ways: the digest is sha256 only, and registries are host names or
/// IPv4 addresses (no IPv6 literals). Everything here is ASCII; whitespace, options (<c>-x</c>), shell characters and
/// other scripts are outside the grammar, so they are refused by construction.
/// </summary>
public sealed partial record ImageReference
{
    /// <summary>The longest reference accepted, all parts together.</summary>
    public const int MaxLength = 512;

    /// <summary>The longest name (registry and path), as Docker's own limit.</summary>
    public const int MaxNameLength = 255;

    /// <summary>The registry a reference without one names.</summary>
    public const string DefaultRegistry = "docker.io";

    private ImageReference(string? registry, string path, string? tag, string? digest)
    {
        Registry = registry;
        Path = path;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry host (and port) as written, or null for Docker Hub.</summary>
    public string? Registry { get; }

    /// <summary>The repository path inside the registry (<c>library/nginx</c>, <c>team/app</c>).</summary>
    public string Path { get; }

    /// <summary>The tag, or null; <c>latest</c> is implied when neither a tag nor a digest is given.</summary>
    public string? Tag { get; }

    /// <summary>The pinned digest (<c>sha256:…</c>), or null.</summary>
    public string? Digest { get; }

    /// <summary>The registry this reference is pulled from: its own, or <see cref="DefaultRegistry"/>.</summary>
    public string RegistryHost => Registry ?? DefaultRegistry;

    /// <summary>The name without tag or digest, as the engine's pull takes it (<c>fromImage</c>).</summary>
    public string Name => Registry is null ? Path : $"{Registry}/{Path}";

    /// <summary>What the engine pulls besides the name: the digest when pinned, else the tag, else <c>latest</c>.</summary>
    public string PullTag => Digest ?? Tag ?? "latest";

    /// <summary>The reference the engine knows the pulled image by (<c>name@digest</c> or <c>name:tag</c>).</summary>
    public string Pulled => Digest is null ? $"{Name}:{PullTag}" : $"{Name}@{Digest}";

    public override string ToString() => Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>Parses <paramref name="text"/> (surrounding whitespace is not trimmed: it is refused like any other).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        error = Check(text);
        if (error is not null)
        {
            return false;
        }

        var match = Grammar().Match(text!);
        if (!match.Success)
        {
            error = "Not an image reference: use name:tag, registry:port/name:tag or name@sha256:<64 hex digits> (lower-case names, no spaces).";
            return false;
        }

        var name = match.Groups["name"].Value;
        if (name.Length > MaxNameLength)
        {
            error = $"The image name is longer than {MaxNameLength} characters.";
            return false;
        }

        // As Docker decides: the first component is a registry when it has a dot or a port, or is localhost.
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        string? registry = null;
        var path = name;
        if (slash > 0)
        {
            var first = name[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                registry = first;
                path = name[(slash + 1)..];
            }
        }

        if (registry is not null && !RegistryGrammar().IsMatch(registry))
        {
            error = "The registry must be a host name or IPv4 address, with an optional port (1-65535).";
            return false;
        }

        if (!PathGrammar().IsMatch(path))
        {
            error = "The repository path must be lower-case letters, digits and single separators (. _ __ -) between them.";
            return false;
        }

        var tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : null;
        var digest = match.Groups["digest"].Success ? match.Groups["digest"].Value : null;
        reference = new ImageReference(registry, path, tag, digest);
        return true;
    }

    /// <summary>Parses a reference already validated (from the database); throws when it is not one.</summary>
    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new FormatException(error);

    private static string? Check(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "Enter an image reference, such as registry.example.com/team/app:1.2.";
        }

        if (text.Length > MaxLength)
        {
            return $"An image reference has at most {MaxLength} characters.";
        }

        if (text[0] == '-')
        {
            return "An image reference cannot start with '-'.";
        }

        foreach (var c in text)
        {
            if (!char.IsAscii(c) || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return "An image reference has ASCII letters, digits and . _ - / : @ only: no spaces, control or non-ASCII characters.";
            }
        }

        return null;
    }

    /// <summary>Docker's reference grammar: name (components split by '/'), optional tag, optional sha256 digest.</summary>
    [GeneratedRegex(@"^(?<name>[A-Za-z0-9._\-]+(?::[0-9]+(?=/))?(?:/[a-z0-9._\-]+)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();

    /// <summary>domain-component ('.' domain-component)* [':' port]; a component neither starts nor ends with '-'.</summary>
    [GeneratedRegex(@"^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]))*(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryGrammar();

    /// <summary>path-component ('/' path-component)*; a component is alpha-numerics joined by [_.] | __ | -+.</summary>
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathGrammar();
}
