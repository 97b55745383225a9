using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Reconciliation;

/// <summary>
/// An application's event list for the people who may see the application: the audit events about it by id (what the
/// reconciler did: containers removed or started, routes put back, redeploys queued), newest first.
/// </summary>
public sealed class ApplicationEvents(ApplicationService applications, IAuditLog audit)
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 100;

    /// <summary>The audit target an application's events carry.</summary>
    public static string Target(Guid applicationId) => $"application:{applicationId}";

    public async Task<Result<IReadOnlyList<AuditEvent>>> ListAsync(Actor actor, Guid applicationId, int limit = DefaultLimit, CancellationToken ct = default)
    {
        var app = await applications.GetAsync(actor, applicationId, ct);
        return app.IsSuccess
            ? Result<IReadOnlyList<AuditEvent>>.Ok(await audit.ListByTargetAsync(Target(applicationId), Math.Clamp(limit, 1, MaxLimit), ct))
            : app.Error;
    }
}
