using GoForge.Core.Auditing;

namespace GoForge.Core.Identity;

/// <summary>Audit records made by an <see cref="Actor"/> (here, beside the actor, so Auditing needs no Identity).</summary>
public static class AuditLogExtensions
{
    /// <summary>Records what an actor did to a target, now.</summary>
    public static Task RecordAsync(this IAuditLog log, TimeProvider time, Actor actor, string action, string target, string? detail = null, CancellationToken ct = default) =>
        log.RecordAsync(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            ActorUserId = actor.AccountId,
            Action = action,
            Target = target,
            Detail = detail,
        }, ct);
}
