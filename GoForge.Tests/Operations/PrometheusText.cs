using System.Globalization;

namespace GoForge.Tests.Operations;

/// <summary>Reads samples out of a Prometheus text exposition: <c>name{label="value",...} 12</c>.</summary>
internal static class PrometheusText
{
    /// <summary>The value of the sample of <paramref name="name"/> whose labels include every one of <paramref name="labels"/>; null when there is none.</summary>
    public static double? Sample(string exposition, string name, params (string Label, string Value)[] labels)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            var end = line.LastIndexOf('}');
            var labelText = end < 0 ? string.Empty : line[(name.Length + 1)..end];
            if (labels.All(l => labelText.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                var value = line[((end < 0 ? name.Length : end) + 1)..].Trim().Split(' ')[0];
                return double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
