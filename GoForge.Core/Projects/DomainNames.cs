using System.Globalization;
using System.Text.RegularExpressions;

namespace GoForge.Core.Projects;

/// <summary>
/// The one form a host name is stored and compared in: trimmed, trailing dots removed, Unicode turned into punycode
/// (IDNA mapping, which also lower-cases and drops invisible characters), lower-case ASCII labels, at least one dot.
/// <c>SHOP.Example.com.</c> and <c>shop.example.com</c> are one host; so are <c>bücher.example</c> and
/// <c>xn--bcher-kva.example</c>.
/// </summary>
public static partial class DomainNames
{
    public const int MaxLength = 253;

    /// <summary>The host in its stored form; null when it is not a valid host name.</summary>
    public static string? Normalize(string? host)
    {
        var trimmed = host?.Trim().TrimEnd('.');
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        string ascii;
        try
        {
            ascii = new IdnMapping { AllowUnassigned = false, UseStd3AsciiRules = true }.GetAscii(trimmed).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }

        return ascii.Length <= MaxLength && ascii.Contains('.', StringComparison.Ordinal) && ascii.Split('.').All(IsLabel) ? ascii : null;
    }

    /// <summary>
    /// What ownership is decided on: the host without a leading <c>www.</c>. A host and its www form belong to one
    /// owner, because a www redirect makes an application answer both.
    /// </summary>
    public static string OwnerKey(string host) =>
        host.StartsWith("www.", StringComparison.Ordinal) && host.Length > 4 ? host[4..] : host;

    /// <summary>The host forms one owner key covers: the key and its www form.</summary>
    public static IEnumerable<string> FormsOf(string ownerKey) => [ownerKey, "www." + ownerKey];

    private static bool IsLabel(string label) => label.Length is >= 1 and <= 63 && Label().IsMatch(label);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
