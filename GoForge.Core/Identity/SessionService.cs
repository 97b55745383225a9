using GoForge.Core.Auditing;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Identity;

/// <summary>Decides whether a session named by a cookie is still good, and ends sessions.</summary>
public sealed class SessionService(
    IUserRepository users,
    IUserSessionRepository sessions,
    IAuditLog audit,
    IOptions<AuthOptions> options,
    TimeProvider time)
{
    // Writing last-seen on every request would turn each page view into a write; once a minute is enough.
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>The session's user when the session is active and the user enabled; otherwise null.</summary>
    public async Task<User?> ValidateAsync(Guid sessionId, CancellationToken ct = default)
    {
        var session = await sessions.GetAsync(sessionId, ct);
        var now = time.GetUtcNow();
        if (session is null || !session.IsActiveAt(now))
        {
            return null;
        }

        var user = await users.GetByIdAsync(session.UserId, ct);
        if (user is null || user.IsDisabled)
        {
            return null;
        }

        if (now - session.LastSeenAt >= TouchInterval)
        {
            var settings = options.Value;
            var absoluteEnd = session.CreatedAt + settings.SessionAbsoluteLifetime;
            var idleEnd = now + settings.SessionIdleTimeout;
            await sessions.TouchAsync(sessionId, now, idleEnd < absoluteEnd ? idleEnd : absoluteEnd, ct);
        }

        return user;
    }

    public async Task SignOutAsync(Guid sessionId, Guid userId, string? clientAddress, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await sessions.RevokeAsync(sessionId, now, ct);
        await audit.RecordAsync(new AuditEvent
        {
            OccurredAt = now,
            ActorUserId = userId,
            Action = AuditActions.SignedOut,
            Target = $"user:{userId}",
            ClientAddress = SignInService.Truncate(clientAddress, 64),
        }, ct);
    }
}
