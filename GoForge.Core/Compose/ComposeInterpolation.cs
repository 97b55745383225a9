using System.Text;

namespace GoForge.Core.Compose;

/// <summary>
/// Compose's variable substitution, reduced to what GoForge supports (docs/decisions/compose.md): <c>${NAME}</c> and
/// <c>${NAME:-default}</c> (the default when the variable is unset or empty), and <c>$$</c> for a literal <c>$</c>.
/// Everything else with a <c>$</c> is an error: <c>$NAME</c>, <c>${NAME:?message}</c>, <c>${NAME-default}</c>,
/// <c>${NAME:+x}</c>, nested <c>${${X}}</c> or <c>$</c> in a default, an unterminated <c>${</c>; and a variable the
/// application does not have, without a default. The result is text only: nothing is evaluated, run or read.
/// </summary>
public static class ComposeInterpolation
{
    /// <summary>The interpolated <paramref name="text"/>, or null with <paramref name="error"/> set.</summary>
    /// <param name="lookup">A variable's value by name; null when the application has no such variable (for this service).</param>
    public static string? Apply(string text, Func<string, string?> lookup, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(lookup);
        error = null;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$')
            {
                result.Append(c);
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '$')
            {
                result.Append('$');
                i += 2;
                continue;
            }

            if (i + 1 >= text.Length || text[i + 1] != '{')
            {
                error = "has a '$' that is not '${NAME}' or '${NAME:-default}'; GoForge does not read '$NAME' (write '$$' for a literal '$').";
                return null;
            }

            var replacement = Substitute(text, i + 2, lookup, out var end, out error);
            if (replacement is null)
            {
                return null;
            }

            result.Append(replacement);
            i = end;
        }

        return result.ToString();
    }

    /// <summary>Whether <paramref name="name"/> is a variable name <c>${…}</c> can hold: a letter or '_', then letters, digits and '_'.</summary>
    public static bool IsName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static string? Substitute(string text, int start, Func<string, string?> lookup, out int end, out string? error)
    {
        end = start;
        var close = text.IndexOf('}', start);
        if (close < 0)
        {
            error = "has a '${' without its closing '}'.";
            return null;
        }

        var inner = text.AsSpan(start, close - start);
        var nameLength = 0;
        while (nameLength < inner.Length && (char.IsAsciiLetterOrDigit(inner[nameLength]) || inner[nameLength] == '_'))
        {
            nameLength++;
        }

        var name = inner[..nameLength];
        if (!IsName(name))
        {
            error = inner.Contains('$')
                ? "nests a substitution ('${${…}}'); GoForge reads '${NAME}' and '${NAME:-default}' only."
                : $"has '${{{Shorten(inner.ToString())}}}', which is not a variable name (a letter or '_', then letters, digits and '_').";
            return null;
        }

        var rest = inner[nameLength..];
        string? fallback = null;
        if (!rest.IsEmpty)
        {
            if (!rest.StartsWith(":-", StringComparison.Ordinal))
            {
                error = $"uses '${{{name}{Shorten(rest.ToString())}}}'; GoForge reads '${{NAME}}' and '${{NAME:-default}}' only (no ':?', '?', '-', ':+' or '+' forms).";
                return null;
            }

            var defaultText = rest[2..].ToString();
            if (defaultText.Contains('$', StringComparison.Ordinal))
            {
                error = $"has a '$' in the default of '${{{name}:-…}}'; a default is plain text (no nested substitution).";
                return null;
            }

            fallback = defaultText;
        }

        end = close + 1;
        var value = lookup(name.ToString());
        if (fallback is not null)
        {
            error = null;
            return string.IsNullOrEmpty(value) ? fallback : value;
        }

        if (value is null)
        {
            error = $"uses the variable '{name}', which the application does not have for this service; add it, or write '${{{name}:-default}}'.";
            return null;
        }

        error = null;
        return value;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
