using System.Globalization;
using System.Security.Claims;
using System.Text;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GoForge.Web.Endpoints.Api;

/// <summary>
/// The audit log through <see cref="AuditLogService"/>: the <c>admin</c> scope and Core's administrator check. Keyset
/// paged, newest first: the opaque <c>nextCursor</c> holds the last event's position, so a page never repeats or skips
/// an event however many are recorded between two calls.
/// </summary>
internal static class AuditLogEndpoints
{
    private const string KeysetPrefix = "k:";

    public static RouteGroupBuilder MapAuditLogEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit-log", ListAsync).RequireScope(ApiScope.Admin).WithTags("Audit log").WithSummary("Audit events, newest first (keyset paged with ?cursor=&limit=)");
        return api;
    }

    private static async Task<Results<Ok<Page<AuditEventResponse>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, AuditLogService audit, int? limit, string? cursor, CancellationToken ct)
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

        var page = await audit.ListAsync(user.ToApiActor(), before, limit ?? PageRequest.DefaultLimit, ct);
        if (!page.IsSuccess)
        {
            return ApiResults.Problem(page.Error);
        }

        var next = page.Value.NextBeforeId is { } nextId ? Encode(nextId) : null;
        return TypedResults.Ok(new Page<AuditEventResponse>(page.Value.Events.Select(AuditEventResponse.From).ToList(), next));
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

public sealed record AuditEventResponse(long Id, DateTimeOffset OccurredAt, Guid? ActorUserId, string Action, string? Target, string? ClientAddress, string? Detail)
{
    public static AuditEventResponse From(AuditEvent e) => new(e.Id, e.OccurredAt, e.ActorUserId, e.Action, e.Target, e.ClientAddress, e.Detail);
}
