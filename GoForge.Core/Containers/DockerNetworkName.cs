using System.Text.RegularExpressions;

namespace GoForge.Core.Containers;

/// <summary>What a setting that names a Docker network may hold: letters, digits, <c>_ . -</c>, starting with a letter or digit.</summary>
public static partial class DockerNetworkName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
