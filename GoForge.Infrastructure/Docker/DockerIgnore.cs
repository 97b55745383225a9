using System.Text;
using System.Text.RegularExpressions;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// The common subset of <c>.dockerignore</c>: comments, blank lines, <c>*</c>, <c>?</c>, <c>**</c>, <c>!</c> exceptions
/// and a leading <c>/</c>. As in Docker, the last matching pattern wins and a pattern matching a directory matches
/// everything below it. <c>.git</c> is always excluded, whatever the file says.
/// </summary>
internal sealed class DockerIgnore
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);
    private readonly IReadOnlyList<Pattern> _patterns;

    private DockerIgnore(IReadOnlyList<Pattern> patterns)
    {
        _patterns = patterns;
        HasExceptions = patterns.Any(p => p.IsException);
    }

    /// <summary>True when some <c>!</c> pattern may re-include a file below an excluded directory.</summary>
    public bool HasExceptions { get; }

    public static DockerIgnore Parse(string? text)
    {
        var patterns = new List<Pattern>();
        foreach (var rawLine in (text ?? "").Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var isException = line.StartsWith('!');
            if (isException)
            {
                line = line[1..].Trim();
            }

            var cleaned = Clean(line);
            if (cleaned.Length > 0)
            {
                patterns.Add(new Pattern(ToRegex(cleaned), isException));
            }
        }

        patterns.Add(new Pattern(ToRegex(".git"), IsException: false));
        return new DockerIgnore(patterns);
    }

    /// <summary>Whether <paramref name="relativePath"/> (forward slashes, relative to the context root) is left out.</summary>
    public bool IsExcluded(string relativePath)
    {
        var path = Clean(relativePath);
        var parents = ParentsOf(path);
        var excluded = false;
        foreach (var pattern in _patterns)
        {
            if (pattern.IsException != excluded)
            {
                // An exclusion cannot change an excluded path, nor an exception an included one.
                continue;
            }

            if (pattern.Regex.IsMatch(path) || parents.Any(pattern.Regex.IsMatch))
            {
                excluded = !pattern.IsException;
            }
        }

        return excluded;
    }

    private static List<string> ParentsOf(string path)
    {
        var parents = new List<string>();
        for (var i = path.IndexOf('/', StringComparison.Ordinal); i >= 0; i = path.IndexOf('/', i + 1))
        {
            parents.Add(path[..i]);
        }

        return parents;
    }

    /// <summary>Like Go's filepath.Clean on a relative path: no leading or trailing slash, no <c>.</c> or empty segments.</summary>
    private static string Clean(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Replace('\\', '/').Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == ".." && segments.Count > 0 && segments[^1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    // "**/" matches zero or more whole directories.
                    i++;
                    regex.Append("(?:.*/)?");
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        regex.Append('$');
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant, MatchTimeout);
    }

    private sealed record Pattern(Regex Regex, bool IsException);
}
