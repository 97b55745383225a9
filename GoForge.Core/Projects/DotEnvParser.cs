using System.Text;

namespace GoForge.Core.Projects;

public sealed record DotEnvEntry(int Line, string Key, string Value);

public sealed record DotEnvParseResult(IReadOnlyList<DotEnvEntry> Entries, IReadOnlyList<string> Errors);

/// <summary>
/// Reads pasted <c>.env</c> text: <c>KEY=VALUE</c> lines, optional <c>export</c>, <c>#</c> comments,
/// single quotes (literal) and double quotes (with \n, \t, \", \\ escapes). A later duplicate key wins.
/// </summary>
public static class DotEnvParser
{
    public const int MaxInputLength = 1_048_576;

    public static DotEnvParseResult Parse(string? text)
    {
        var entries = new List<DotEnvEntry>();
        var errors = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return new DotEnvParseResult(entries, errors);
        }

        if (text.Length > MaxInputLength)
        {
            errors.Add($"The pasted text is larger than {MaxInputLength / 1024} KiB.");
            return new DotEnvParseResult(entries, errors);
        }

        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors.Add($"Line {number}: expected KEY=VALUE.");
                continue;
            }

            var key = line[..equals].Trim();
            var rest = line[(equals + 1)..].Trim();
            var value = ReadValue(rest, out var error);
            if (error is not null)
            {
                errors.Add($"Line {number}: {error}");
                continue;
            }

            entries.RemoveAll(e => e.Key == key);
            entries.Add(new DotEnvEntry(number, key, value));
        }

        return new DotEnvParseResult(entries, errors);
    }

    private static string ReadValue(string rest, out string? error)
    {
        error = null;
        if (rest.Length == 0)
        {
            return string.Empty;
        }

        var quote = rest[0];
        if (quote is '\'' or '"')
        {
            var close = FindClosingQuote(rest, quote);
            if (close < 0)
            {
                error = $"the value's {quote} quote is not closed.";
                return string.Empty;
            }

            var trailing = rest[(close + 1)..].Trim();
            if (trailing.Length > 0 && !trailing.StartsWith('#'))
            {
                error = "unexpected text after the closing quote.";
                return string.Empty;
            }

            var inner = rest[1..close];
            return quote == '\'' ? inner : Unescape(inner);
        }

        // Unquoted: a " #" starts a comment.
        var comment = rest.IndexOf(" #", StringComparison.Ordinal);
        return (comment < 0 ? rest : rest[..comment]).TrimEnd();
    }

    private static int FindClosingQuote(string rest, char quote)
    {
        for (var i = 1; i < rest.Length; i++)
        {
            if (quote == '"' && rest[i] == '\\')
            {
                i++;
            }
            else if (rest[i] == quote)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Unescape(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                builder.Append(value[i] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    _ => value[i],
                });
            }
            else
            {
                builder.Append(value[i]);
            }
        }

        return builder.ToString();
    }
}
