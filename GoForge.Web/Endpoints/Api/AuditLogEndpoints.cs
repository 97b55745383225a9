using System.Globalization;
using System.Security.Claims;
using System.Text;
using GoForge.Core.Auditing;
using GoForge.Core.AuditTrail;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using GoForge.Web.Endpoints.AuditLog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The audit log through <see cref="AuditLogService"/>: the <c>read</c> scope and Core's rules — administrators (a token
/// with <c>admin</c>) read everything, a project's maintainers their projects' events only (docs/decisions/audit-log.md).
/// Filtered by <c>actor</c>, <c>project</c>, <c>action</c> (exact, or a prefix ending with a dot), <c>from</c> and <c>to</c>.
/// Keyset paged, newest first: the opaque <c>nextCursor</c> holds the last event's position, so a page never repeats or
/// skips an event however many are recorded between two calls. <c>/audit-log.csv</c> is the same view as CSV.
/// </summary>
internal static class AuditLogEndpoints
{
    private const string KeysetPrefix = "k:";

    public static RouteGroupBuilder MapAuditLogEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit-log", ListAsync).RequireScope(ApiScope.Read).WithTags("Audit log")
            .WithSummary("Audit events, newest first (keyset paged with ?cursor=&limit=; filters ?actor=&project=&action=&from=&to=)");
        api.MapGet("/audit-log.csv", CsvAsync).RequireScope(ApiScope.Read).WithTags("Audit log")
            .WithSummary("The same filtered audit events as CSV, newest first, streamed; at most 50,000 rows");
        return api;
    }

    private static async Task<Results<Ok<Page<AuditEventResponse>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, AuditLogService audit, int? limit, string? cursor,
        string? actor, string? project, string? action, string? from, string? to, CancellationToken ct)
    {
        long? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!TryDecode(cursor, out var id))
            {
                return ApiResults.Validation("cursor", "This is not a cursor this list gave out; start again without one.");
            }

            before = id;
        }

        var filter = AuditLogQueryString.Parse(actor, project, action, from, to);
        if (!filter.IsSuccess)
        {
            return ApiResults.Problem(filter.Error);
        }

        var page = await audit.ListAsync(user.ToApiActor(), filter.Value, before, limit ?? PageRequest.DefaultLimit, ct);
        if (!page.IsSuccess)
        {
            return ApiResults.Problem(page.Error);
        }

        var next = page.Value.NextBeforeId is { } nextId ? Encode(nextId) : null;
        return TypedResults.Ok(new Page<AuditEventResponse>(page.Value.Entries.Select(AuditEventResponse.From).ToList(), next));
    }

    private static async Task<IResult> CsvAsync(
        ClaimsPrincipal user, AuditLogService audit, TimeProvider time, string? actor, string? project, string? action, string? from, string? to, CancellationToken ct)
    {
        var filter = AuditLogQueryString.Parse(actor, project, action, from, to);
        if (!filter.IsSuccess)
        {
            return ApiResults.Problem(filter.Error);
        }

        var download = await AuditLogCsvDownload.CreateAsync(user.ToApiActor(), audit, filter.Value, time, ct);
        return download.IsSuccess ? download.Value : ApiResults.Problem(download.Error);
    }

    private static string Encode(long id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(KeysetPrefix + id.ToString(CultureInfo.InvariantCulture))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string cursor, out long id)
    {
        id = 0;
        if (cursor.Length > 64)
        {
            return false;
        }

        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            return text.StartsWith(KeysetPrefix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(KeysetPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <param name="ActorLogin">The acting account's login while it exists; null for the system or a deleted account.</param>
/// <param name="ProjectId">The project the event belongs to; null for installation-wide events.</param>
/// <param name="ProjectName">The project's name while it exists.</param>
/// <param name="ActorTokenId">The API token the actor acted through; null in a browser, for the system and the command line.</param>
public sealed record AuditEventResponse(
    long Id, DateTimeOffset OccurredAt, Guid? ActorUserId, string Action, string? Target, string? ClientAddress, string? Detail,
    string? ActorLogin = null, Guid? ProjectId = null, string? ProjectName = null, Guid? ActorTokenId = null)
{
    public static AuditEventResponse From(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Id, e.OccurredAt, e.ActorUserId, e.Action, e.Target, e.ClientAddress, e.Detail, ProjectId: e.ProjectId, ActorTokenId: e.ActorTokenId);
    }

    public static AuditEventResponse From(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var e = entry.Event;
        return new(e.Id, e.OccurredAt, e.ActorUserId, e.Action, e.Target, e.ClientAddress, e.Detail, entry.ActorLogin, e.ProjectId, entry.ProjectName, e.ActorTokenId);
    }
}
