using System.Globalization;
using GoForge.Core.Auditing;

namespace GoForge.Core.AuditTrail;

/// <summary>
/// The audit log as CSV (RFC 4180: comma-separated, CRLF line ends, a field with a comma, quote or line break in
/// double quotes, a quote doubled). A cell that a spreadsheet would run as a formula — one starting with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return — gets a leading apostrophe, so a target or
/// detail someone typed (an application name, a reason) is shown as text, never evaluated (docs/decisions/audit-log.md).
/// </summary>
public static class AuditCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static readonly IReadOnlyList<string> Columns =
        ["id", "occurred_at", "actor_user_id", "actor", "action", "target", "project_id", "project", "client_address", "detail"];

    public static string Header => string.Join(',', Columns) + "\r\n";

    public static string Row(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var e = entry.Event;
        string?[] cells =
        [
            e.Id.ToString(CultureInfo.InvariantCulture),
            e.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            e.ActorUserId?.ToString(),
            entry.ActorLogin,
            e.Action,
            e.Target,
            e.ProjectId?.ToString(),
            entry.ProjectName,
            e.ClientAddress,
            e.Detail,
        ];
        return string.Join(',', cells.Select(Cell)) + "\r\n";
    }

    /// <summary>One field: neutralised against formula injection, then quoted when RFC 4180 needs it.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    /// <summary>Writes the header and every entry as it arrives; nothing is held but the current page.</summary>
    public static async Task WriteAsync(IAsyncEnumerable<AuditEntry> entries, TextWriter writer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(Header.AsMemory(), ct);
        await foreach (var entry in entries.WithCancellation(ct))
        {
            await writer.WriteAsync(Row(entry).AsMemory(), ct);
        }

        await writer.FlushAsync(ct);
    }
}
