using System.Globalization;
using System.Text.RegularExpressions;

namespace GoForge.Core.Catalog;

/// <summary>
/// One <c>{{name}}</c> or <c>{{generator:size}}</c> reference in a template string. A bare name is an input or a
/// built-in (<c>host</c>, <c>port</c>, <c>domain</c>) or the size-less generator <c>username</c>; a name with a size
/// is a generator (<c>password:32</c>, <c>hex:64</c>). Nothing else may sit between <c>{{</c> and <c>}}</c>, and a
/// <c>{{</c> that opens no reference is refused, so no template string is half-rendered.
/// </summary>
public sealed partial record Placeholder(string Name, int? Size)
{
    public const string Host = "host";
    public const string Port = "port";
    public const string Domain = "domain";

    /// <summary>
    /// Bare names with a fixed meaning: an input cannot take them. <c>password</c> and <c>hex</c> stay free for inputs,
    /// because as generators they always carry a size.
    /// </summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        Host, Port, Domain, ValueGenerator.UsernameName,
    };

    /// <summary>The generator this reference calls, or null when it names a value (an input or a built-in).</summary>
    public GeneratorKind? Generator => (Name, Size) switch
    {
        (ValueGenerator.UsernameName, null) => GeneratorKind.Username,
        (ValueGenerator.PasswordName, not null) => GeneratorKind.Password,
        (ValueGenerator.HexName, not null) => GeneratorKind.Hex,
        _ => null,
    };

    public override string ToString() => Size is { } size ? $"{{{{{Name}:{size}}}}}" : $"{{{{{Name}}}}}";

    /// <summary>Every reference in <paramref name="text"/>, in order; malformed ones become <paramref name="problems"/>.</summary>
    public static IReadOnlyList<Placeholder> FindAll(string text, ICollection<string> problems)
    {
        var found = new List<Placeholder>();
        foreach (Match match in Reference().Matches(text))
        {
            if (TryParse(match.Groups["body"].Value) is { } placeholder)
            {
                found.Add(placeholder);
            }
            else
            {
                problems.Add($"'{Shorten(match.Value)}' is not a reference: write {{{{name}}}} or {{{{generator:size}}}} with a lower-case name.");
            }
        }

        if (Reference().Replace(text, string.Empty).Contains("{{", StringComparison.Ordinal))
        {
            problems.Add("has a '{{' that opens no reference (a reference is {{name}}).");
        }

        return found;
    }

    /// <summary>Replaces every reference by what <paramref name="resolve"/> answers for it.</summary>
    internal static string Replace(string text, Func<Placeholder, string> resolve) =>
        Reference().Replace(text, match => resolve(TryParse(match.Groups["body"].Value)
            ?? throw new FormatException($"'{Shorten(match.Value)}' is not a reference.")));

    private static Placeholder? TryParse(string body)
    {
        var match = Body().Match(body);
        if (!match.Success)
        {
            return null;
        }

        var size = match.Groups["size"];
        return new Placeholder(match.Groups["name"].Value, size.Success ? int.Parse(size.Value, NumberStyles.None, CultureInfo.InvariantCulture) : null);
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex(@"\{\{(?<body>[^{}]{0,64}?)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    // Seven digits at most: enough to name 100000 (and refuse it by size), never an int overflow.
    [GeneratedRegex(@"^(?<name>[a-z][a-z0-9_]{0,31})(?::(?<size>[0-9]{1,7}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Body();
}
