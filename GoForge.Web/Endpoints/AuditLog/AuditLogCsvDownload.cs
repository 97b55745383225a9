using System.Text;
using GoForge.Core.AuditTrail;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Web.Endpoints.AuditLog;

/// <summary>
/// The CSV export's one answer for both callers (the page's cookie download and the API's token call): Core checks
/// and authorises the filter first, then the rows stream page by page (<see cref="AuditLogService.ExportRowCap"/> at most).
/// </summary>
internal static class AuditLogCsvDownload
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static async Task<Result<IResult>> CreateAsync(Actor actor, AuditLogService audit, AuditLogFilter filter, TimeProvider time, CancellationToken ct)
    {
        var export = await audit.ExportAsync(actor, filter, ct);
        if (!export.IsSuccess)
        {
            return export.Error;
        }

        var entries = export.Value;
        var name = $"goforge-audit-{time.GetUtcNow().UtcDateTime:yyyyMMdd-HHmmss}.csv";
        return Result<IResult>.Ok(TypedResults.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, Utf8, leaveOpen: true);
                await AuditCsv.WriteAsync(entries, writer, ct);
            },
            AuditCsv.ContentType,
            name));
    }
}
