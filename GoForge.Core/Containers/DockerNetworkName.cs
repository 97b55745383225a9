using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Containers;

/// <summary>What a setting that names a Docker network may hold: letters, digits, <c>_ . -</c>, starting with a letter or digit.</summary>
public static partial class DockerNetworkName
{
    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>A setting's validation: an unset <paramref name="name"/> passes; a bad one fails naming <paramref name="keys"/>.</summary>
    public static ValidateOptionsResult Validate(string? name, string keys) => name is null || IsValid(name)
        ? ValidateOptionsResult.Success
        : ValidateOptionsResult.Fail($"{keys} must be a Docker network name (letters, digits, _ . -).");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
