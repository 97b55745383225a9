using System.Security.Claims;
using GoForge.Core.Backups;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// A service's backups through <see cref="ServiceBackupService"/> (docs/decisions/backups.md#api): the schedule and
/// history, "back up now" (202 with the queued run), a restore into the same service (202; the body's confirmation
/// must be the service's name), one run, and the archive (streamed; the secrets scope, as it holds the service's data).
/// </summary>
internal static class BackupEndpoints
{
    public static RouteGroupBuilder MapBackupEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/services/{serviceId:guid}/backups", ListAsync).RequireScope(ApiScope.Read).WithTags("Backups").WithSummary("A service's backup schedule, next run and recent backups and restores");
        api.MapPost("/services/{serviceId:guid}/backups", BackUpNowAsync).RequireScope(ApiScope.Deploy).WithTags("Backups").WithSummary("Back up a service now to its schedule's destination; 202 with the queued run, 409 while one is queued or running");
        api.MapGet("/services/{serviceId:guid}/backups/{runId:guid}", GetAsync).RequireScope(ApiScope.Read).WithTags("Backups").WithSummary("One backup or restore of a service");
        api.MapPost("/services/{serviceId:guid}/backups/{runId:guid}/restore", RestoreAsync).RequireScope(ApiScope.Write).WithTags("Backups").WithSummary("Restore a backup into the same service, replacing its data; the confirmation is the service's name; 202 with the queued restore");
        api.MapGet("/services/{serviceId:guid}/backups/{runId:guid}/archive", ArchiveAsync).RequireScope(ApiScope.Secrets).WithTags("Backups").WithSummary("Download a backup's archive (streamed)");
        return api;
    }

    private static async Task<Results<Ok<BackupListResponse>, ProblemHttpResult>> ListAsync(Guid serviceId, ClaimsPrincipal user, ServiceBackupService backups, CancellationToken ct)
    {
        var overview = await backups.OverviewAsync(user.ToApiActor(), serviceId, ct);
        return overview.IsSuccess ? TypedResults.Ok(BackupListResponse.From(overview.Value)) : ApiResults.Problem(overview.Error);
    }

    private static async Task<Results<Accepted<BackupRunResponse>, ProblemHttpResult>> BackUpNowAsync(Guid serviceId, ClaimsPrincipal user, ServiceBackupService backups, CancellationToken ct)
    {
        var queued = await backups.BackUpNowAsync(user.ToApiActor(), serviceId, ct);
        return queued.IsSuccess
            ? TypedResults.Accepted($"/api/v1/services/{serviceId}/backups/{queued.Value.Id}", BackupRunResponse.From(queued.Value))
            : ApiResults.Problem(queued.Error);
    }

    private static async Task<Results<Ok<BackupRunResponse>, ProblemHttpResult>> GetAsync(Guid serviceId, Guid runId, ClaimsPrincipal user, ServiceBackupService backups, CancellationToken ct)
    {
        var run = await backups.GetRunAsync(user.ToApiActor(), serviceId, runId, ct);
        return run.IsSuccess ? TypedResults.Ok(BackupRunResponse.From(run.Value)) : ApiResults.Problem(run.Error);
    }

    private static async Task<Results<Accepted<BackupRunResponse>, ProblemHttpResult>> RestoreAsync(
        Guid serviceId, Guid runId, BackupRestoreRequest body, ClaimsPrincipal user, ServiceBackupService backups, CancellationToken ct)
    {
        var queued = await backups.RestoreAsync(user.ToApiActor(), serviceId, runId, body.Confirmation, ct);
        return queued.IsSuccess
            ? TypedResults.Accepted($"/api/v1/services/{serviceId}/backups/{queued.Value.Id}", BackupRunResponse.From(queued.Value))
            : ApiResults.Problem(queued.Error);
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> ArchiveAsync(Guid serviceId, Guid runId, ClaimsPrincipal user, ServiceBackupService backups, CancellationToken ct)
    {
        var opened = await backups.OpenArchiveAsync(user.ToApiActor(), serviceId, runId, ct);
        return opened.IsSuccess ? TypedResults.File(opened.Value.Content, "application/octet-stream", opened.Value.FileName) : ApiResults.Problem(opened.Error);
    }
}

/// <summary>The body of a restore: the service's name, typed to confirm its data is replaced.</summary>
internal sealed record BackupRestoreRequest(string? Confirmation);

internal sealed record BackupScheduleResponse(string Cron, Guid DestinationId, int? KeepLast, int? KeepDays, bool Enabled);

internal sealed record BackupListResponse(BackupScheduleResponse? Schedule, DateTimeOffset? NextRun, string TimeZone, IReadOnlyList<BackupRunResponse> Runs)
{
    public static BackupListResponse From(BackupOverview overview) => new(
        overview.Schedule is { } s ? new BackupScheduleResponse(s.Cron, s.DestinationId, s.KeepLast, s.KeepDays, s.Enabled) : null,
        overview.NextRun,
        overview.TimeZone,
        overview.Runs.Select(BackupRunResponse.From).ToList());
}

internal sealed record BackupRunResponse(
    Guid Id, string Kind, string State, string Trigger, string Destination, long? Bytes, double? DurationSeconds, string? Error,
    bool? Verified, string? Verification, bool ArchiveAvailable, Guid? RestoredFrom, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt)
{
    public static BackupRunResponse From(BackupRun run) => new(
        run.Id,
        run.Kind.ToString().ToLowerInvariant(),
        run.State.ToString().ToLowerInvariant(),
        run.Trigger.ToString().ToLowerInvariant(),
        run.DestinationName,
        run.Bytes,
        run.Duration?.TotalSeconds,
        run.Error,
        run.Verified,
        run.Verification,
        run.HasArchive,
        run.SourceRunId,
        run.CreatedAt,
        run.StartedAt,
        run.EndedAt);
}
