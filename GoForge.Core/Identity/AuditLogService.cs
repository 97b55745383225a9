using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity;

/// <summary>One page of the audit log, newest first, and the id to read on from (null on the last page).</summary>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Events, long? NextBeforeId);

/// <summary>Reading the audit log: administrators only, a keyset page at a time. It sits with the other administrator work in Identity (it needs the <see cref="Actor"/>), so Auditing stays a sink every feature may use.</summary>
public sealed class AuditLogService(IAuditLog log)
{
    public const int MaxPage = 200;

    /// <summary>Up to <paramref name="limit"/> events older than <paramref name="beforeId"/> (the newest when null).</summary>
    public async Task<Result<AuditPage>> ListAsync(Actor actor, long? beforeId, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return Error.Forbidden("Only administrators read the audit log.");
        }

        if (limit is < 1 or > MaxPage)
        {
            return Error.Validation("limit", $"Ask for 1 to {MaxPage} events.");
        }

        if (beforeId is < 1)
        {
            return Error.Validation("cursor", "This is not a position in the audit log.");
        }

        // One more than asked says whether another page follows, without a count.
        var events = await log.ListBeforeAsync(beforeId, limit + 1, ct);
        return events.Count > limit
            ? new AuditPage(events.Take(limit).ToList(), events[limit - 1].Id)
            : new AuditPage(events, null);
    }
}
