namespace GoForge.Core.Compose;

/// <summary>
/// A compose deployment's log writes each service's build and start output behind <c>[&lt;service&gt;] </c>, so one log
/// tells the services apart and the deployment page can show one service's lines (docs/deployments/compose-overview.md).
/// </summary>
public static class ComposeLogPrefix
{
    /// <summary>The line as the log stores it for <paramref name="service"/>.</summary>
    public static string Format(string service, string line) => Of(service) + line;

    /// <summary>The prefix itself; the deployment page cuts the log on exactly this form.</summary>
    public static string Of(string service) => $"[{service}] ";

    /// <summary>The service a log line belongs to; null for a line of the deployment itself (or a text that only looks like a prefix).</summary>
    public static string? ServiceOf(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length < 4 || line[0] != '[')
        {
            return null;
        }

        var end = line.IndexOf("] ", 1, Math.Min(line.Length - 1, 66), StringComparison.Ordinal);
        if (end < 2)
        {
            return null;
        }

        var name = line[1..end];
        return IsServiceName(name) ? name : null;
    }

    // The compose_services CHECK's rule: a letter or digit, then up to 62 of letters, digits, '_', '.', '-'.
    private static bool IsServiceName(string name) =>
        name.Length <= 63 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
