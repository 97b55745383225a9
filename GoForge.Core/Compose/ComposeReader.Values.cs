using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GoForge.Core.Compose;

/// <summary>Scalars, pairs, commands, durations and repository paths.</summary>
public sealed partial class ComposeReader
{
    public const int MaxValueLength = 64 * 1024;

    /// <summary>The scalar's text, interpolated with the current service's variables; null (with a problem) when it is not text or does not interpolate.</summary>
    private string? Text(string key, ComposeNode node, bool allowNull = false)
    {
        if (node is not ComposeScalar scalar)
        {
            Problem(key, node.Line, "must be a single value, not a list or a mapping.");
            return null;
        }

        if (scalar.Value is null)
        {
            if (!allowNull)
            {
                Problem(key, node.Line, "has no value.");
            }

            return null;
        }

        return Interpolate(key, node.Line, scalar.Value);
    }

    private string? Interpolate(string key, int line, string text)
    {
        var result = ComposeInterpolation.Apply(text, _lookup, out var error);
        if (result is null)
        {
            Problem(key, line, error!);
            return null;
        }

        if (result.Length > MaxValueLength)
        {
            Problem(key, line, $"is longer than {MaxValueLength} characters.");
            return null;
        }

        if (result.Contains('\0', StringComparison.Ordinal))
        {
            Problem(key, line, "holds a NUL character.");
            return null;
        }

        return result;
    }

    /// <summary>A mapping or a <c>NAME=value</c> list (environment, args, labels); a name without a value is skipped when <paramref name="skipUnset"/>, else empty.</summary>
    private Dictionary<string, string>? ReadPairs(string key, ComposeEntry entry, string what, bool skipUnset)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (entry.Value)
        {
            case ComposeScalar { Value: null }:
                return pairs;
            case ComposeMap map:
                foreach (var item in map.Entries)
                {
                    var itemKey = $"{key}.{item.Key}";
                    if (!IsPairName(item.Key))
                    {
                        Problem(itemKey, item.KeyLine, $"is not a valid {what} name (no '=', spaces or control characters; at most 255 characters).");
                        continue;
                    }

                    if (item.Value is ComposeScalar { Value: null })
                    {
                        if (!skipUnset)
                        {
                            pairs[item.Key] = "";
                        }

                        continue;
                    }

                    if (Text(itemKey, item.Value) is { } value)
                    {
                        pairs[item.Key] = value;
                    }
                }

                return pairs;
            case ComposeList list:
                foreach (var (item, index) in list.Items.Select((item, index) => (item, index)))
                {
                    var itemKey = $"{key}[{index}]";
                    if (item is not ComposeScalar { Value: { } raw })
                    {
                        Problem(itemKey, item.Line, $"must be 'NAME=value'.");
                        continue;
                    }

                    var equals = raw.IndexOf('=', StringComparison.Ordinal);
                    var name = equals < 0 ? raw : raw[..equals];
                    if (!IsPairName(name))
                    {
                        Problem(itemKey, item.Line, $"'{Shorten(name)}' is not a valid {what} name (no '=', spaces or control characters; at most 255 characters).");
                        continue;
                    }

                    if (pairs.ContainsKey(name))
                    {
                        Problem(itemKey, item.Line, $"sets '{Shorten(name)}' a second time.");
                        continue;
                    }

                    if (equals < 0)
                    {
                        if (!skipUnset)
                        {
                            pairs[name] = "";
                        }

                        continue;
                    }

                    if (Interpolate($"{key}.{name}", item.Line, raw[(equals + 1)..]) is { } value)
                    {
                        pairs[name] = value;
                    }
                }

                return pairs;
            default:
                Problem(key, entry.KeyLine, $"must be a mapping or a list of 'NAME=value'.");
                return null;
        }
    }

    private static bool IsPairName(string name) =>
        name.Length is > 0 and <= 255 && !name.Any(c => c == '=' || char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>A command or entrypoint: a list as written, or a string split like a command line (quotes only; nothing expanded).</summary>
    private IReadOnlyList<string>? ReadCommand(string key, ComposeEntry entry)
    {
        switch (entry.Value)
        {
            case ComposeScalar { Value: null }:
                return null;
            case ComposeScalar scalar:
                if (Text(key, scalar) is not { } line)
                {
                    return null;
                }

                var split = ComposeCommandLine.Split(line, out var error);
                if (split is null)
                {
                    Problem(key, scalar.Line, error!);
                }

                return split;
            case ComposeList list:
                var arguments = new List<string>();
                foreach (var (item, index) in list.Items.Select((item, index) => (item, index)))
                {
                    if (Text($"{key}[{index}]", item) is { } argument)
                    {
                        arguments.Add(argument);
                    }
                }

                return arguments;
            default:
                Problem(key, entry.KeyLine, "must be a list of arguments or a command line.");
                return null;
        }
    }

    /// <summary>A compose duration: numbers with units, as <c>1m30s</c>, <c>500ms</c>, <c>2h</c> (h, m, s, ms, us, ns).</summary>
    private TimeSpan? ReadDuration(string key, ComposeEntry entry, TimeSpan? max = null)
    {
        if (Text(key, entry.Value) is not { } text)
        {
            return null;
        }

        var limit = max ?? TimeSpan.FromDays(1);
        if (!DurationPattern().IsMatch(text))
        {
            Problem(key, entry.Value.Line, $"'{Shorten(text)}' is not a duration: write a number with a unit, such as 10s, 1m30s or 500ms.");
            return null;
        }

        var total = TimeSpan.Zero;
        foreach (Match part in DurationPart().Matches(text))
        {
            var amount = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(Math.Min(amount, 1e6)),
                "m" => TimeSpan.FromMinutes(Math.Min(amount, 1e6)),
                "s" => TimeSpan.FromSeconds(Math.Min(amount, 1e9)),
                "ms" => TimeSpan.FromMilliseconds(Math.Min(amount, 1e12)),
                "us" or "µs" => TimeSpan.FromMicroseconds(Math.Min(amount, 1e12)),
                _ => TimeSpan.FromTicks((long)Math.Min(amount / 100, 1e15)),
            };
            if (total > limit)
            {
                break;
            }
        }

        if (total > limit)
        {
            Problem(key, entry.Value.Line, $"'{Shorten(text)}' is longer than {limit}.");
            return null;
        }

        return total;
    }

    /// <summary>
    /// <paramref name="text"/> (relative to the compose file's folder) as a repository path ("." for the root); null
    /// with a problem when it is absolute, remote, or climbs above the repository's root.
    /// </summary>
    private string? RepositoryPath(string key, int line, string text, string what)
    {
        if (text.Length == 0 || text.Any(char.IsControl))
        {
            Problem(key, line, $"is not a {what} path.");
            return null;
        }

        if (text.Contains("://", StringComparison.Ordinal) || text.StartsWith("git@", StringComparison.Ordinal))
        {
            Problem(key, line, $"'{Shorten(text)}' is remote; a {what} is a path inside the repository.");
            return null;
        }

        if (text.StartsWith('/') || text.StartsWith('~') || text.Contains('\\', StringComparison.Ordinal))
        {
            Problem(key, line, $"'{Shorten(text)}' is not a relative path; a {what} is a path inside the repository, relative to the compose file's folder.");
            return null;
        }

        var segments = new List<string>(_folder.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var segment in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    Problem(key, line, $"'{Shorten(text)}' leaves the repository; a {what} must stay inside it.");
                    return null;
                }

                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return segments.Count == 0 ? "." : string.Join('/', segments);
    }

    /// <summary>The Dockerfile's path relative to <paramref name="context"/>; null with a problem when it leaves the context.</summary>
    private string? DockerfileInContext(string key, int line, string context, string dockerfile)
    {
        if (dockerfile.StartsWith('/') || dockerfile.Contains('\\', StringComparison.Ordinal) || dockerfile.Any(char.IsControl))
        {
            Problem(key, line, $"'{Shorten(dockerfile)}' must be a path inside the build context.");
            return null;
        }

        var segments = new List<string>();
        foreach (var segment in dockerfile.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "."))
        {
            if (segment == "..")
            {
                Problem(key, line, $"'{Shorten(dockerfile)}' leaves the build context '{context}'; the Dockerfile must be inside it.");
                return null;
            }

            segments.Add(segment);
        }

        if (segments.Count == 0)
        {
            Problem(key, line, "must name a file.");
            return null;
        }

        return string.Join('/', segments);
    }

    private string? ReadAbsolutePath(string key, ComposeEntry entry)
    {
        var text = Text(key, entry.Value);
        if (text is not null && (!text.StartsWith('/') || text.Length > 255 || text.Any(char.IsControl)))
        {
            Problem(key, entry.Value.Line, "must be an absolute path in the container (at most 255 characters).");
            return null;
        }

        return text;
    }

    private static bool IsPlainWord(string text) =>
        text.Length is > 0 and <= 128 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The line of <paramref name="name"/>'s entry in a mapping or list, else the node's.</summary>
    private static int LineOf(ComposeNode node, string name) => node switch
    {
        ComposeMap map => map.Entries.FirstOrDefault(e => e.Key == name)?.KeyLine ?? map.Line,
        ComposeList list => list.Items.OfType<ComposeScalar>().FirstOrDefault(i => i.Value is { } v && (v == name || v.StartsWith(name + "=", StringComparison.Ordinal)))?.Line ?? list.Line,
        _ => node.Line,
    };

    private static string Shorten(string value)
    {
        var shown = value.Length <= 60 ? value : value[..60] + "…";
        var builder = new StringBuilder(shown.Length);
        foreach (var c in shown)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"^(?:[0-9]{1,9}(?:\.[0-9]{1,9})?(?:h|ms|m|s|us|µs|ns))+\z", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"([0-9]{1,9}(?:\.[0-9]{1,9})?)(h|ms|m|s|us|µs|ns)", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();
}
