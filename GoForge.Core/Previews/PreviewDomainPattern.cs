using GoForge.Core.Projects;

namespace GoForge.Core.Previews;

/// <summary>
/// A preview domain pattern: one <c>{number}</c> inside the first label (<c>pr-{number}.preview.example.com</c>), the
/// rest a valid host name: the <see cref="Zone"/>, which one application holds alone. Every host the pattern makes is
/// under the zone, so holding the zone keeps previews of two applications (and projects) apart.
/// </summary>
public sealed record PreviewDomainPattern
{
    public const string Placeholder = "{number}";

    private PreviewDomainPattern(string pattern, string zone)
    {
        Pattern = pattern;
        Zone = zone;
    }

    /// <summary>The pattern in its stored form (lower case, no trailing dot).</summary>
    public string Pattern { get; }

    /// <summary>The host name after the first label: <c>preview.example.com</c>.</summary>
    public string Zone { get; }

    /// <summary>The host of pull request <paramref name="number"/>.</summary>
    public string HostOf(int number) => Pattern.Replace(Placeholder, number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>The pattern, or why not, in words for the field.</summary>
    public static (PreviewDomainPattern? Pattern, string? Error) Parse(string? value)
    {
        var text = value?.Trim().TrimEnd('.').ToLowerInvariant() ?? string.Empty;
        if (text.Length == 0)
        {
            return (null, "Give the preview domain pattern, for example pr-{number}.preview.example.com.");
        }

        var at = text.IndexOf(Placeholder, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(Placeholder, at + 1, StringComparison.Ordinal) >= 0)
        {
            return (null, "The pattern has {number} exactly once, where the pull request's number goes.");
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || at > dot)
        {
            return (null, "{number} goes in the first label (before the first dot), so every preview is under one zone.");
        }

        var zone = DomainNames.Normalize(text[(dot + 1)..]);
        // The longest number a pull request can have keeps the first label within 63 characters.
        var longest = DomainNames.Normalize(text.Replace(Placeholder, int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        if (zone is null || !zone.Contains('.', StringComparison.Ordinal) || longest is null || !longest.EndsWith("." + zone, StringComparison.Ordinal))
        {
            return (null, "With a number in place of {number} the pattern must be a valid host name under a domain of at least two labels (pr-{number}.preview.example.com).");
        }

        return (new PreviewDomainPattern(text, zone), null);
    }

    /// <summary>True when <paramref name="host"/> is the zone or under it.</summary>
    public bool Covers(string host) => host == Zone || host.EndsWith("." + Zone, StringComparison.Ordinal);
}
