using System.Text;
using System.Text.RegularExpressions;
using GoForge.Core.Containers;

namespace GoForge.Infrastructure.Docker.BuildKit;

/// <summary>
/// Rewrites a Dockerfile's cache mounts (<c>RUN --mount=type=cache,…</c>) so each carries an id of the application's
/// own: <c>id=goforge-&lt;scope&gt;-&lt;the id it had, else its target&gt;</c>. BuildKit keys a cache mount by that id
/// alone, engine-wide (it defaults to the target path), so without this two applications building
/// <c>--mount=type=cache,target=/root/.npm</c> would share, and could poison, one cache. The scope ends at its first
/// <c>-</c> after the prefix (an application id has none), so no id one application writes can name another's cache.
/// Only the flags of RUN instructions are read; everything else is sent unchanged.
/// </summary>
internal static partial class CacheMountScope
{
    public const string Prefix = "goforge-";

    /// <summary>The Dockerfile's text with every cache mount scoped to <paramref name="scope"/>.</summary>
    public static string Apply(string dockerfile, string scope)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        if (!ScopeName().IsMatch(scope))
        {
            throw new ArgumentException("A cache scope is letters and digits only.", nameof(scope));
        }

        var escape = EscapeDirective().Match(dockerfile) is { Success: true } directive ? directive.Groups[1].Value[0] : '\\';
        var output = new StringBuilder(dockerfile.Length + 64);
        var lines = dockerfile.Split('\n');
        var continued = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!continued && RunInstruction().Match(line) is { Success: true } run)
            {
                // The instruction's flags come first, on this line or continuation lines after it.
                var end = i;
                while (end < lines.Length - 1 && EndsWithEscape(lines[end], escape))
                {
                    end++;
                }

                var instruction = string.Join('\n', lines[i..(end + 1)]);
                output.Append(instruction[..run.Length]).Append(RewriteFlags(instruction[run.Length..], escape, scope));
                continued = false;
                i = end;
            }
            else
            {
                output.Append(line);
                continued = !IsCommentOrBlank(line) ? EndsWithEscape(line, escape) : continued;
            }

            if (i < lines.Length - 1)
            {
                output.Append('\n');
            }
        }

        return output.ToString();
    }

    /// <summary>The id a cache mount gets: <paramref name="original"/> (its id, else its target) behind the scope.</summary>
    public static string IdFor(string scope, string original) => $"{Prefix}{scope}-{original}";

    private static string RewriteFlags(string rest, char escape, string scope)
    {
        var output = new StringBuilder(rest.Length + 64);
        var at = 0;
        while (true)
        {
            // Blanks and escaped line ends between flags.
            var start = at;
            while (at < rest.Length && (char.IsWhiteSpace(rest[at]) || (rest[at] == escape && at + 1 < rest.Length && rest[(at + 1)..].TrimStart(' ', '\t', '\r').StartsWith('\n'))))
            {
                at++;
            }

            output.Append(rest, start, at - start);
            if (!rest.AsSpan(at).StartsWith("--", StringComparison.Ordinal))
            {
                return output.Append(rest, at, rest.Length - at).ToString();
            }

            var tokenEnd = at;
            while (tokenEnd < rest.Length && !char.IsWhiteSpace(rest[tokenEnd]))
            {
                tokenEnd++;
            }

            var token = rest[at..tokenEnd];
            output.Append(token.StartsWith("--mount=", StringComparison.OrdinalIgnoreCase) ? RewriteMount(token, scope) : token);
            at = tokenEnd;
        }
    }

    private static string RewriteMount(string token, string scope)
    {
        var spec = token["--mount=".Length..];
        if (spec.Contains('"', StringComparison.Ordinal) || spec.Contains('\'', StringComparison.Ordinal))
        {
            throw new EngineException($"GoForge cannot read the quoted mount '{token}': write the RUN step's --mount without quotes.");
        }

        var fields = spec.Split(',').Select(f => f.Split('=', 2)).ToList();
        string? Field(params string[] names) => fields.FirstOrDefault(f => names.Contains(f[0].Trim().ToLowerInvariant()) && f.Length == 2)?[1];
        if (!string.Equals(Field("type"), "cache", StringComparison.OrdinalIgnoreCase))
        {
            return token;
        }

        var original = Field("id") ?? Field("target", "dst", "destination")
            ?? throw new EngineException($"The cache mount '{token}' names no target.");
        var kept = fields.Where(f => !string.Equals(f[0].Trim(), "id", StringComparison.OrdinalIgnoreCase)).Select(f => string.Join('=', f));
        return "--mount=" + string.Join(',', kept.Append("id=" + IdFor(scope, original)));
    }

    private static bool EndsWithEscape(string line, char escape) => line.TrimEnd(' ', '\t', '\r').EndsWith(escape);

    private static bool IsCommentOrBlank(string line) => line.TrimStart().Length == 0 || line.TrimStart().StartsWith('#');

    [GeneratedRegex(@"^[A-Za-z0-9]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ScopeName();

    [GeneratedRegex(@"^[ \t]*(?:ONBUILD[ \t]+)?RUN(?=[ \t\\`]|\r?$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RunInstruction();

    // Parser directives come before any instruction or comment that is not one; # escape=` switches the escape character.
    [GeneratedRegex(@"\A(?:[ \t]*#[ \t]*[a-z]+[ \t]*=[^\n]*\n)*?[ \t]*#[ \t]*escape[ \t]*=[ \t]*([\\`])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EscapeDirective();
}
