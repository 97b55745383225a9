using System.Text;

namespace GoForge.Core.Compose;

/// <summary>
/// Splits a compose <c>command:</c> or <c>entrypoint:</c> string into arguments the way compose does, reduced to quoting:
/// whitespace separates arguments, single quotes keep everything literally, double quotes keep everything but
/// <c>\"</c> and <c>\\</c>. Nothing else is special: <c>$</c>, <c>;</c>, <c>|</c>, <c>&amp;</c>, backticks and
/// globs stay literal characters of an argument (no shell ever sees them, unless the image's own command runs one).
/// </summary>
public static class ComposeCommandLine
{
    public const int MaxArguments = 1024;

    /// <summary>The arguments of <paramref name="line"/>, or null with <paramref name="error"/> (an unterminated quote).</summary>
    public static IReadOnlyList<string>? Split(string line, out string? error)
    {
        ArgumentNullException.ThrowIfNull(line);
        error = null;
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inArgument = false;
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inArgument)
                {
                    arguments.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }

                i++;
                continue;
            }

            inArgument = true;
            if (c == '\'')
            {
                var close = line.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    error = "has a single quote without its closing quote.";
                    return null;
                }

                current.Append(line, i + 1, close - i - 1);
                i = close + 1;
                continue;
            }

            if (c == '"')
            {
                i++;
                var closed = false;
                while (i < line.Length)
                {
                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                    {
                        current.Append(line[i + 1]);
                        i += 2;
                        continue;
                    }

                    if (line[i] == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }

                    current.Append(line[i]);
                    i++;
                }

                if (!closed)
                {
                    error = "has a double quote without its closing quote.";
                    return null;
                }

                continue;
            }

            current.Append(c);
            i++;
        }

        if (inArgument)
        {
            arguments.Add(current.ToString());
        }

        if (arguments.Count > MaxArguments)
        {
            error = $"has {arguments.Count} arguments; at most {MaxArguments}.";
            return null;
        }

        return arguments;
    }
}
