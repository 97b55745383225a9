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
            ActorTokenId = actor.TokenId,
            ClientAddress = SignInService.Truncate(actor.ClientAddress, 64),
            Action = action,
            Target = target,
            Detail = detail,
        }, ct);

    /// <summary>
    /// Records what an actor did to a target in a project, now: the event carries <paramref name="projectId"/>, so the
    /// project's maintainers read it on the audit log page (docs/decisions/audit-log.md). Null for installation-wide events.
    /// </summary>
    public static Task RecordAsync(this IAuditLog log, TimeProvider time, Actor actor, Guid? projectId, string action, string target, string? detail = null, CancellationToken ct = default) =>
        log.RecordAsync(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            ActorUserId = actor.AccountId,
            ActorTokenId = actor.TokenId,
            ClientAddress = SignInService.Truncate(actor.ClientAddress, 64),
            Action = action,
            Target = target,
            Detail = detail,
            ProjectId = projectId,
        }, ct);

    /// <summary>
    /// Records that a password change revoked the account's API tokens (nothing when it had none): one event for
    /// all of them, target the account, detail the count and why.
    /// </summary>
    public static Task RecordTokensRevokedAsync(this IAuditLog log, DateTimeOffset now, Guid? actorUserId, User account, int revoked, string reason, CancellationToken ct = default) =>
        revoked == 0
            ? Task.CompletedTask
            : log.RecordAsync(new AuditEvent
            {
                OccurredAt = now,
                ActorUserId = actorUserId,
                Action = AuditActions.ApiTokenRevoked,
                Target = $"user:{account.Login}",
                Detail = $"all {revoked} API token{(revoked == 1 ? "" : "s")}: {reason}",
            }, ct);
}
