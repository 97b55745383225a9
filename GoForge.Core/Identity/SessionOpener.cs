using GoForge.Core.Auditing;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Identity;

/// <summary>Opens a server-side session for a user who has proved who they are, and records the sign-in.</summary>
public sealed class SessionOpener(IUserSessionRepository sessions, IAuditLog audit, IOptions<AuthOptions> options, TimeProvider time, IEnumerable<ISignInWatch> watches)
{
    /// <param name="how">Audit detail saying how the user signed in (null for a password).</param>
    public async Task<UserSession> OpenAsync(User user, string? clientAddress, string? userAgent, string? how, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var session = new UserSession
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + options.Value.SessionIdleTimeout,
            ClientAddress = SignInService.Truncate(clientAddress, 64),
            UserAgent = SignInService.Truncate(userAgent, 256),
        };
        await sessions.CreateAsync(session, ct);
        await audit.RecordAsync(new AuditEvent
        {
            OccurredAt = now,
            ActorUserId = user.Id,
            Action = AuditActions.SignedIn,
            Target = $"user:{user.Login}",
            ClientAddress = session.ClientAddress,
            Detail = how,
        }, ct);
        foreach (var watch in watches)
        {
            await watch.SignedInAsync(user, session.ClientAddress, ct);
        }

        return session;
    }
}
