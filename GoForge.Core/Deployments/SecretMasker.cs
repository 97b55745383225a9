namespace GoForge.Core.Deployments;

/// <summary>
/// Replaces every secret value in a log line with <c>****</c> before the line is stored or shown. Multi-line
/// secrets (keys, certificates) are masked line by line, since logs arrive a line at a time. Longest values are
/// masked first so a secret containing another is not half-revealed.
/// </summary>
public sealed class SecretMasker
{
    public const string Mask = "****";

    private readonly string[] _values;

    public SecretMasker(IEnumerable<string?> secretValues)
    {
        _values = secretValues
            .Where(v => !string.IsNullOrEmpty(v))
            .SelectMany(v => v!.Split('\n').Select(part => part.TrimEnd('\r')).Append(v!))
            .Where(v => v.Trim().Length > 0)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length)
            .ToArray();
    }

    public static SecretMasker None { get; } = new([]);

    /// <summary>This masker and one more secret (a registry password learned during the run).</summary>
    public SecretMasker With(string? secretValue) => new(_values.Append(secretValue));

    public string Apply(string line)
    {
        foreach (var value in _values)
        {
            if (line.Contains(value, StringComparison.Ordinal))
            {
                line = line.Replace(value, Mask, StringComparison.Ordinal);
            }
        }

        return line;
    }
}
