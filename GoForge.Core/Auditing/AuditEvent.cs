namespace GoForge.Core.Auditing;

/// <summary>Something a person did or tried, kept for administrators. Never holds secrets.</summary>
public sealed record AuditEvent
{
    public long Id { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public Guid? ActorUserId { get; init; }

    /// <summary>The API token the actor acted through, when it was a token (the account is <see cref="ActorUserId"/>).</summary>
    public Guid? ActorTokenId { get; init; }

    /// <summary>A dotted verb such as <c>user.signed_in</c>; see <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>What the action was about, e.g. <c>user:alice</c>.</summary>
    public string? Target { get; init; }

    public string? ClientAddress { get; init; }

    /// <summary>
    /// The project the event belongs to, when it belongs to one: project maintainers read their projects' events by it.
    /// Null for installation-wide events (sign-ins, users, settings). Set it on every event about a project's resources.
    /// </summary>
    public Guid? ProjectId { get; init; }

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
    public const string ProjectCreated = "project.created";
    public const string ProjectUpdated = "project.updated";
    public const string ProjectDeleted = "project.deleted";
    public const string EnvironmentCreated = "environment.created";
    public const string EnvironmentRenamed = "environment.renamed";
    public const string EnvironmentDeleted = "environment.deleted";
    public const string ApplicationCreated = "application.created";
    public const string ApplicationUpdated = "application.updated";
    public const string ApplicationDeleted = "application.deleted";
    public const string VariablesSet = "variables.set";
    public const string VariableDeleted = "variable.deleted";
    public const string VolumeAdded = "volume.added";
    public const string VolumeDeleted = "volume.deleted";
    public const string BindMountsChanged = "application.bind_mounts_changed";
    public const string SecretRevealed = "variable.secret_revealed";
    public const string MemberSet = "member.set";
    public const string MemberRemoved = "member.removed";
    public const string SecretKeyRotated = "secrets.key_rotated";
    public const string DatabaseBackedUp = "database.backed_up";
    public const string DatabaseRestored = "database.restored";
    public const string BackupScheduleSaved = "backup.schedule_saved";
    public const string BackupRequested = "backup.requested";
    public const string BackupRestoreRequested = "backup.restore_requested";
    public const string BackupDownloaded = "backup.downloaded";
    public const string BackupDestinationSaved = "backup.destination_saved";
    public const string BackupDestinationDeleted = "backup.destination_deleted";
    public const string DeploymentQueued = "deployment.queued";
    public const string DeploymentCanceled = "deployment.canceled";
    public const string DeploymentRollbackQueued = "deployment.rollback_queued";
    // Targeted application:<id>, so they are the application's events too (docs/deployments/apply-and-stop.md).
    public const string ApplicationApplyQueued = "application.apply_queued";
    public const string ApplicationStopped = "application.stopped";
    public const string ApplicationStarted = "application.started";
    public const string ApplicationRestarted = "application.restarted";
    public const string RoutingUpdated = "application.routing_updated";
    public const string DockerPruned = "docker.pruned";
    public const string SwarmInitialized = "swarm.initialized";
    public const string SwarmJoinTokensViewed = "swarm.join_tokens_viewed";
    public const string SwarmNodeUpdated = "swarm.node_updated";
    public const string SwarmNodeRemoved = "swarm.node_removed";
    public const string WebhookSecretSet = "webhook.secret_set";
    public const string WebhookSecretRevealed = "webhook.secret_revealed";
    public const string GitCredentialSet = "git.credential_set";
    public const string GitCredentialRemoved = "git.credential_removed";
    public const string GitHostKeyPinned = "git.host_key_pinned";
    public const string GitHostKeyForgotten = "git.host_key_forgotten";
    public const string GitHubLinked = "user.github_linked";
    public const string GitHubUnlinked = "user.github_unlinked";
    public const string GitHubLinkRefused = "user.github_link_refused";
    public const string DisplayNameChanged = "user.display_name_changed";
    public const string InvitationCreated = "invitation.created";
    public const string InvitationRevoked = "invitation.revoked";
    public const string InvitationUsed = "invitation.used";
    public const string GitHubSettingsUpdated = "settings.github_updated";
    public const string GitHubSettingsReset = "settings.github_reset";
    public const string RepositoryNetworkUpdated = "settings.repository_network_updated";
    public const string AuditRetentionChanged = "settings.audit_retention_changed";

    /// <summary>The daily prune removed events older than the retention (no actor: the system); detail the count and cut-off.</summary>
    public const string AuditPruned = "audit.pruned";
    public const string ServiceCreated = "service.created";
    public const string ServiceStarted = "service.started";
    public const string ServiceStopped = "service.stopped";
    public const string ServiceRestarted = "service.restarted";
    public const string ServiceVersionChanged = "service.version_changed";
    public const string ServiceDeleted = "service.deleted";
    public const string ServiceLinked = "service.linked";
    public const string ServiceCredentialsRevealed = "service.credentials_revealed";
    public const string ApiTokenCreated = "api_token.created";
    public const string ApiTokenRevoked = "api_token.revoked";

    // Two-factor sign-in (docs/decisions/two-factor.md), targeted user:<login>.
    public const string TwoFactorEnrolled = "user.two_factor_enrolled";
    public const string TwoFactorDisabled = "user.two_factor_disabled";
    public const string TwoFactorPassed = "user.two_factor_passed";
    public const string TwoFactorFailed = "user.two_factor_failed";
    public const string TwoFactorRecoveryCodeUsed = "user.two_factor_recovery_code_used";
    public const string TwoFactorRecoveryCodesRegenerated = "user.two_factor_recovery_codes_regenerated";
    public const string TwoFactorReset = "user.two_factor_reset";
    public const string TwoFactorPolicyChanged = "settings.two_factor_policy_changed";

    // The reconciler's actions (no actor: the system), targeted application:<id> or service:<id>.
    public const string ReconcilerContainerRemoved = "reconciler.container_removed";
    public const string ReconcilerContainerStarted = "reconciler.container_started";
    public const string ReconcilerRouteRestored = "reconciler.route_restored";
    public const string ReconcilerRedeployQueued = "reconciler.redeploy_queued";
    public const string ReconcilerServiceFailed = "reconciler.service_failed";
    public const string ReconcilerNetworkRemoved = "reconciler.network_removed";
}

public interface IAuditLog
{
    Task RecordAsync(AuditEvent auditEvent, CancellationToken ct = default);

    Task<IReadOnlyList<AuditEvent>> ListRecentAsync(int count, CancellationToken ct = default);

    /// <summary>
    /// Keyset paging, newest first: up to <paramref name="count"/> events with an id below <paramref name="beforeId"/>
    /// (all of them when null). Ids only grow, so a page never repeats or skips an event however many are recorded meanwhile.
    /// </summary>
    Task<IReadOnlyList<AuditEvent>> ListBeforeAsync(long? beforeId, int count, CancellationToken ct = default);

    /// <summary>The newest <paramref name="count"/> events about exactly <paramref name="target"/>, newest first.</summary>
    Task<IReadOnlyList<AuditEvent>> ListByTargetAsync(string target, int count, CancellationToken ct = default);
}
