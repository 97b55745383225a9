using GoForge.Core.Backups;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints;

/// <summary>
/// Downloads of backup archives for the panel's pages, streamed from the destination (never buffered). Access is the
/// services': an archive of a service the user may not download (RevealSecrets in its project), or of the panel's
/// database for a non-admin, is not found, like one that does not exist.
/// </summary>
internal static class BackupArchiveEndpoints
{
    public static IEndpointRouteBuilder MapBackupArchiveEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/services/{serviceId:guid}/backups/{runId:guid}/archive", ServiceArchiveAsync);
        endpoints.MapGet("/settings/backups/{runId:guid}/archive", PanelArchiveAsync);
        return endpoints;
    }

    private static async Task<Results<FileStreamHttpResult, NotFound>> ServiceArchiveAsync(Guid serviceId, Guid runId, HttpContext context, ServiceBackupService backups)
    {
        var actor = context.User.ToActor();
        if (actor is null)
        {
            return TypedResults.NotFound();
        }

        var opened = await backups.OpenArchiveAsync(actor, serviceId, runId, context.RequestAborted);
        return opened.IsSuccess ? TypedResults.File(opened.Value.Content, "application/octet-stream", opened.Value.FileName) : TypedResults.NotFound();
    }

    private static async Task<Results<FileStreamHttpResult, NotFound>> PanelArchiveAsync(Guid runId, HttpContext context, PanelBackupService backups)
    {
        var actor = context.User.ToActor();
        if (actor is null)
        {
            return TypedResults.NotFound();
        }

        var opened = await backups.OpenArchiveAsync(actor, runId, context.RequestAborted);
        return opened.IsSuccess ? TypedResults.File(opened.Value.Content, "application/octet-stream", opened.Value.FileName) : TypedResults.NotFound();
    }
}
