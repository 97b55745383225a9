namespace GoForge.Core.Auditing;

/// <summary>Something a person did or tried, kept for administrators. Never holds secrets.</summary>
public sealed record AuditEvent
{
    public long Id { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public Guid? ActorUserId { get; init; }

    /// <summary>A dotted verb such as <c>user.signed_in</c>; see <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>What the action was about, e.g. <c>user:alice</c>.</summary>
    public string? Target { get; init; }

    public string? ClientAddress { get; init; }

    /// <summary>A short, human-readable detail (a reason, a new role).</summary>
    public string? Detail { get; init; }
}

public static class AuditActions
{
    public const string SetupCompleted = "setup.completed";
    public const string SignedIn = "user.signed_in";
    public const string SignInFailed = "user.sign_in_failed";
    public const string SignedOut = "user.signed_out";
    public const string UserCreated = "user.created";
    public const string RoleChanged = "user.role_changed";
    public const string PasswordReset = "user.password_reset";
    public const string PasswordChanged = "user.password_changed";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
}

public interface IAuditLog
{
    Task RecordAsync(AuditEvent auditEvent, CancellationToken ct = default);

    Task<IReadOnlyList<AuditEvent>> ListRecentAsync(int count, CancellationToken ct = default);
}
