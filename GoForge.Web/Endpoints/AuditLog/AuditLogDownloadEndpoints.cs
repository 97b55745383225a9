using GoForge.Core.AuditTrail;
using GoForge.Web.Auth;

namespace GoForge.Web.Endpoints.AuditLog;

/// <summary>The audit log page's "Export CSV" link: the signed-in person's cookie, Core's rules (docs/decisions/audit-log.md).</summary>
internal static class AuditLogDownloadEndpoints
{
    public const string CsvPath = "/audit/export.csv";

    public static IEndpointRouteBuilder MapAuditLogDownloadEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(CsvPath, DownloadAsync);
        return endpoints;
    }

    /// <summary>A bad filter is 400 with the reason; anything the person may not read is 404, like every other download.</summary>
    private static async Task<IResult> DownloadAsync(
        HttpContext context, AuditLogService audit, TimeProvider time, string? actor, string? project, string? action, string? from, string? to)
    {
        if (context.User.ToActor() is not { } who)
        {
            return TypedResults.NotFound();
        }

        var filter = AuditLogQueryString.Parse(actor, project, action, from, to);
        if (!filter.IsSuccess)
        {
            return TypedResults.BadRequest(filter.Error.Message);
        }

        var download = await AuditLogCsvDownload.CreateAsync(who, audit, filter.Value, time, context.RequestAborted);
        return download.IsSuccess
            ? download.Value
            : download.Error.Kind == GoForge.Core.Common.ErrorKind.Validation ? TypedResults.BadRequest(download.Error.Message) : TypedResults.NotFound();
    }
}
