using Dapper;
using GoForge.Core.Deployments;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.Deployments;

internal sealed class DeploymentRepository(NpgsqlDataSource dataSource) : IDeploymentRepository
{
    /// <summary>The columns every deployment read selects, in <see cref="DeploymentRow"/>'s shape.</summary>
    internal const string Columns = """
        id, application_id, state, source, requested_by, commit_sha, commit_message, commit_author, rollback_of,
        image_tag, container_id, reason, created_at, updated_at, image_reference, image_digest, force_deploy,
        kind, build_fingerprint, settings_fingerprint, force_rebuild, preview_id
        """;

    /// <summary>
    /// The first statement of a queueing batch: holds the application's row until the transaction ends, so queueings
    /// of one application follow each other and the next statement sees every earlier one (PostgreSQL takes a new
    /// snapshot per statement, and a statement's own snapshot would predate the lock). Parameters: <see cref="QueueParameters"/>.
    /// </summary>
    internal const string LockApplicationSql = """
        SELECT 1 FROM applications WHERE id = @QueuedApplicationId FOR NO KEY UPDATE;

        """;

    /// <summary>
    /// The common table expressions that queue a deployment, after <see cref="LockApplicationSql"/>: <c>created</c>
    /// inserts the pending row when the caller's <c>gate</c> expression yields a row, stamped with the database's clock
    /// under the lock, so the order of <c>created_at</c> is the order the application's deployments were queued in;
    /// <c>created_transition</c> records none → pending; <c>superseded</c> moves every other deployment of the
    /// application in the supersession's from-state (all older; a row the worker took meanwhile is no longer in it and
    /// stays as it is); <c>superseded_transitions</c> records each move. Parameters: <see cref="QueueParameters"/>.
    /// The webhook repository puts them after its claim of the delivery, so a push records its delivery and queues its
    /// deployment in one transaction.
    /// </summary>
    internal const string QueueCtes = $"""
        queued_at AS (SELECT clock_timestamp() AS at),
        created AS (
            INSERT INTO deployments ({Columns})
            SELECT @QueuedId, @QueuedApplicationId, @QueuedState, @QueuedSource, @QueuedRequestedBy, @QueuedCommitSha, @QueuedCommitMessage,
                   @QueuedCommitAuthor, @QueuedRollbackOf, @QueuedImageTag, NULL, NULL, q.at, q.at,
                   @QueuedImageReference, @QueuedImageDigest, @QueuedForceDeploy, @QueuedKind, NULL, NULL, @QueuedForceRebuild, @QueuedPreviewId
            FROM gate, queued_at q
            RETURNING {Columns}),
        created_transition AS (
            INSERT INTO deployment_transitions (deployment_id, from_state, to_state, reason, actor_user_id, occurred_at)
            SELECT id, NULL, @QueuedState, NULL, @QueuedRequestedBy, created_at FROM created),
        superseded AS (
            UPDATE deployments SET state = @SupersedeTo, reason = @SupersedeReason, updated_at = (SELECT at FROM queued_at)
            WHERE application_id = @QueuedApplicationId AND preview_id IS NOT DISTINCT FROM @QueuedPreviewId
              AND state = @SupersedeFrom AND id <> @QueuedId
              AND EXISTS (SELECT 1 FROM created)
            RETURNING {Columns}),
        superseded_transitions AS (
            INSERT INTO deployment_transitions (deployment_id, from_state, to_state, reason, actor_user_id, occurred_at)
            SELECT id, @SupersedeFrom, @SupersedeTo, @SupersedeReason, NULL, updated_at FROM superseded)
        """;

    /// <summary>The last part of a statement that starts with <see cref="QueueCtes"/>: the queued row (when there is one), then the superseded ones.</summary>
    internal const string QueueResult = $"""
        SELECT {Columns} FROM created
        UNION ALL
        SELECT {Columns} FROM superseded
        """;

    public async Task<QueuedDeployment> QueueAsync(Deployment deployment, Supersession supersession, CancellationToken ct = default)
    {
        const string sql = $"""
            {LockApplicationSql}
            WITH gate AS (SELECT 1),
            {QueueCtes}
            {QueueResult}
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(sql, QueueParameters(deployment, supersession), cancellationToken: ct));
        await results.ReadAsync<int>();
        return ToQueued(deployment.Id, await results.ReadAsync<DeploymentRow>())
            ?? throw new InvalidOperationException($"Deployment {deployment.Id} was not queued: its application is gone.");
    }

    /// <summary>The rows of <see cref="QueueResult"/>: null when nothing was queued.</summary>
    internal static QueuedDeployment? ToQueued(Guid queuedId, IEnumerable<DeploymentRow> rows)
    {
        var all = rows.Select(r => r.ToDeployment()).ToList();
        return all.Find(d => d.Id == queuedId) is { } queued ? new QueuedDeployment(queued, all.Where(d => d.Id != queuedId).ToList()) : null;
    }

    /// <summary>The parameters of <see cref="QueueCtes"/>; named apart from the caller's own, so they can be added to them.</summary>
    internal static DynamicParameters QueueParameters(Deployment deployment, Supersession supersession)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(supersession);
        return new DynamicParameters(new
        {
            QueuedId = deployment.Id,
            QueuedApplicationId = deployment.ApplicationId,
            QueuedState = ToDb(deployment.State),
            QueuedSource = deployment.Source.ToString().ToLowerInvariant(),
            QueuedRequestedBy = deployment.RequestedBy,
            QueuedCommitSha = deployment.CommitSha,
            QueuedCommitMessage = deployment.CommitMessage,
            QueuedCommitAuthor = deployment.CommitAuthor,
            QueuedRollbackOf = deployment.RollbackOf,
            QueuedImageTag = deployment.ImageTag,
            QueuedImageReference = deployment.ImageReference,
            QueuedImageDigest = deployment.ImageDigest,
            QueuedForceDeploy = deployment.ForceDeploy,
            QueuedKind = deployment.Kind.ToString().ToLowerInvariant(),
            QueuedForceRebuild = deployment.ForceRebuild,
            QueuedPreviewId = deployment.PreviewId,
            SupersedeFrom = ToDb(supersession.From),
            SupersedeTo = ToDb(supersession.To),
            SupersedeReason = supersession.Reason,
        });
    }

    public async Task<Deployment?> GetAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM deployments WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<DeploymentRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return row?.ToDeployment();
    }

    public async Task<IReadOnlyList<Deployment>> ListByApplicationAsync(Guid applicationId, int limit, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM deployments WHERE application_id = @applicationId AND preview_id IS NULL ORDER BY created_at DESC, id DESC LIMIT @limit";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DeploymentRow>(new CommandDefinition(sql, new { applicationId, limit = Math.Clamp(limit, 1, 500) }, cancellationToken: ct));
        return rows.Select(r => r.ToDeployment()).ToList();
    }

    public async Task<IReadOnlyList<Deployment>> ListRecentAsync(IReadOnlyCollection<Guid> applicationIds, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(applicationIds);
        if (applicationIds.Count == 0)
        {
            return [];
        }

        const string sql = $"SELECT {Columns} FROM deployments WHERE application_id = ANY(@applicationIds) AND preview_id IS NULL ORDER BY created_at DESC, id DESC LIMIT @limit";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DeploymentRow>(new CommandDefinition(sql, new { applicationIds = applicationIds.ToArray(), limit = Math.Clamp(limit, 1, 500) }, cancellationToken: ct));
        return rows.Select(r => r.ToDeployment()).ToList();
    }

    public async Task<bool> TryTransitionAsync(Guid id, DeploymentState from, DeploymentState to, string? reason, Guid? actorUserId, DateTimeOffset now, CancellationToken ct = default)
    {
        const string updateSql = """
            UPDATE deployments SET state = @to, reason = COALESCE(@reason, reason), updated_at = @now
            WHERE id = @id AND state = @from
            """;
        const string transitionSql = """
            INSERT INTO deployment_transitions (deployment_id, from_state, to_state, reason, actor_user_id, occurred_at)
            VALUES (@id, @from, @to, @reason, @actorUserId, @now)
            """;
        var args = new { id, from = ToDb(from), to = ToDb(to), reason, actorUserId, now };
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            if (await conn.ExecuteAsync(new CommandDefinition(updateSql, args, tx, cancellationToken: ct)) == 0)
            {
                return false;
            }
        }
        catch (PostgresException e) when (e.IsUniqueViolation("deployments_one_active_per_application"))
        {
            return false;
        }

        await conn.ExecuteAsync(new CommandDefinition(transitionSql, args, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<DeploymentTransition>> ListTransitionsAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = """
            SELECT deployment_id, from_state, to_state, reason, actor_user_id, occurred_at
            FROM deployment_transitions WHERE deployment_id = @id ORDER BY id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<TransitionRow>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        return rows.Select(r => new DeploymentTransition(r.DeploymentId, r.FromState is null ? null : FromDb(r.FromState), FromDb(r.ToState),
            r.Reason, r.ActorUserId, r.OccurredAt)).ToList();
    }

    public async Task<int?> QueuePositionAsync(Guid id, CancellationToken ct = default)
    {
        const string sql = """
            SELECT CASE WHEN d.state = 'pending'
                        THEN (SELECT count(*)::int FROM deployments q WHERE q.state = 'pending' AND (q.created_at, q.id) <= (d.created_at, d.id))
                   END
            FROM deployments d WHERE d.id = @id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int?>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Guid>> ListRunnableAsync(int limit, CancellationToken ct = default)
    {
        // SKIP LOCKED passes over rows another panel is changing right now; the compare-and-set transition and the
        // one-active-per-application index decide who actually starts a deployment.
        const string sql = """
            SELECT d.id FROM deployments d
            WHERE d.state = 'pending'
              AND NOT EXISTS (SELECT 1 FROM deployments a
                              WHERE a.application_id = d.application_id AND a.preview_id IS NOT DISTINCT FROM d.preview_id
                                AND a.state IN ('cloning', 'building', 'pulling', 'deploying'))
            ORDER BY d.created_at, d.id
            LIMIT @limit
            FOR UPDATE OF d SKIP LOCKED
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Guid>(new CommandDefinition(sql, new { limit = Math.Clamp(limit, 1, 100) }, cancellationToken: ct))).AsList();
    }

    public async Task RecordCommitAsync(Guid id, ClonedCommit commit, CancellationToken ct = default)
    {
        const string sql = "UPDATE deployments SET commit_sha = @sha, commit_message = @message, commit_author = @author WHERE id = @id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            id,
            sha = commit.Sha,
            message = commit.Message.Length > 2000 ? commit.Message[..2000] : commit.Message,
            author = commit.Author,
        }, cancellationToken: ct));
    }

    public async Task RecordArtifactsAsync(Guid id, string? imageTag, string? containerId, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE deployments SET image_tag = COALESCE(@imageTag, image_tag), container_id = COALESCE(@containerId, container_id)
            WHERE id = @id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, imageTag, containerId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Deployment>> ListRunningAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM deployments WHERE application_id = @applicationId AND preview_id IS NULL AND state = 'running' ORDER BY created_at, id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DeploymentRow>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return rows.Select(r => r.ToDeployment()).ToList();
    }

    public async Task<IReadOnlyList<Deployment>> ListPreviewDeploymentsAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM deployments WHERE application_id = @applicationId AND preview_id IS NOT NULL ORDER BY created_at DESC, id DESC";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DeploymentRow>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return rows.Select(r => r.ToDeployment()).ToList();
    }

    public async Task<IReadOnlyList<Deployment>> ListByPreviewAsync(Guid previewId, int limit, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM deployments WHERE preview_id = @previewId ORDER BY created_at DESC, id DESC LIMIT @limit";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DeploymentRow>(new CommandDefinition(sql, new { previewId, limit = Math.Clamp(limit, 1, 500) }, cancellationToken: ct));
        return rows.Select(r => r.ToDeployment()).ToList();
    }

    public async Task<int> CountPendingAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT count(*)::int FROM deployments WHERE state = 'pending'";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(sql, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Guid>> ListActiveAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT id FROM deployments WHERE state IN ('cloning', 'building', 'pulling', 'deploying') ORDER BY created_at, id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Guid>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<DeploymentLogLine>> AppendLogAsync(Guid deploymentId, IReadOnlyList<string> lines, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            INSERT INTO deployment_log_lines (deployment_id, line_no, logged_at, text)
            SELECT @deploymentId,
                   COALESCE((SELECT max(line_no) FROM deployment_log_lines WHERE deployment_id = @deploymentId), 0) + l.n,
                   @now, l.text
            FROM unnest(@lines) WITH ORDINALITY AS l(text, n)
            RETURNING line_no, logged_at, text
            """;
        if (lines.Count == 0)
        {
            return [];
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var stored = await conn.QueryAsync<DeploymentLogLine>(new CommandDefinition(sql, new { deploymentId, lines = lines.ToArray(), now }, cancellationToken: ct));
        return stored.OrderBy(l => l.LineNo).ToList();
    }

    public async Task<IReadOnlyList<RetainedImage>> ListImagesAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = """
            SELECT d.id AS deployment_id, d.image_tag, d.state, d.created_at,
                   EXISTS (SELECT 1 FROM deployment_transitions t WHERE t.deployment_id = d.id AND t.to_state = 'running') AS served
            FROM deployments d
            WHERE d.application_id = @applicationId AND d.preview_id IS NULL AND d.image_tag IS NOT NULL AND d.image_pruned_at IS NULL
            ORDER BY d.created_at DESC, d.id DESC
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<ImageRow>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return rows.Select(r => new RetainedImage(r.DeploymentId, r.ImageTag, FromDb(r.State), r.Served, r.CreatedAt)).ToList();
    }

    public async Task MarkImagePrunedAsync(Guid applicationId, string imageTag, DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE deployments SET image_pruned_at = @now
            WHERE application_id = @applicationId AND image_tag = @imageTag AND image_pruned_at IS NULL
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { applicationId, imageTag, now }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<DeploymentLogLine>> ListLogAsync(Guid deploymentId, int afterLine, int limit, CancellationToken ct = default)
    {
        const string sql = """
            SELECT line_no, logged_at, text FROM deployment_log_lines
            WHERE deployment_id = @deploymentId AND line_no > @afterLine
            ORDER BY line_no LIMIT @limit
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<DeploymentLogLine>(new CommandDefinition(sql,
            new { deploymentId, afterLine, limit = Math.Clamp(limit, 1, 10000) }, cancellationToken: ct))).AsList();
    }

    private static string ToDb(DeploymentState state) => state.ToString().ToLowerInvariant();

    private static DeploymentState FromDb(string state) => Enum.Parse<DeploymentState>(state, ignoreCase: true);

    private sealed record ImageRow(Guid DeploymentId, string ImageTag, string State, DateTimeOffset CreatedAt, bool Served);

    private sealed record TransitionRow(Guid DeploymentId, string? FromState, string ToState, string? Reason, Guid? ActorUserId, DateTimeOffset OccurredAt);

    internal sealed record DeploymentRow
    {
        public Guid Id { get; init; }

        public Guid ApplicationId { get; init; }

        public string State { get; init; } = "";

        public string Source { get; init; } = "";

        public Guid? RequestedBy { get; init; }

        public string? CommitSha { get; init; }

        public string? CommitMessage { get; init; }

        public string? CommitAuthor { get; init; }

        public Guid? RollbackOf { get; init; }

        public string? ImageTag { get; init; }

        public string? ContainerId { get; init; }

        public string? Reason { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public string? ImageReference { get; init; }

        public string? ImageDigest { get; init; }

        public bool ForceDeploy { get; init; }

        public string Kind { get; init; } = "build";

        public string? BuildFingerprint { get; init; }

        public string? SettingsFingerprint { get; init; }

        public bool ForceRebuild { get; init; }

        public Guid? PreviewId { get; init; }

        public Deployment ToDeployment() => new()
        {
            Id = Id,
            ApplicationId = ApplicationId,
            State = FromDb(State),
            Source = Enum.Parse<DeploymentSource>(Source, ignoreCase: true),
            RequestedBy = RequestedBy,
            CommitSha = CommitSha,
            CommitMessage = CommitMessage,
            CommitAuthor = CommitAuthor,
            RollbackOf = RollbackOf,
            ImageTag = ImageTag,
            ContainerId = ContainerId,
            Reason = Reason,
            CreatedAt = CreatedAt,
            UpdatedAt = UpdatedAt,
            ImageReference = ImageReference,
            ImageDigest = ImageDigest,
            ForceDeploy = ForceDeploy,
            Kind = Enum.Parse<DeploymentKind>(Kind, ignoreCase: true),
            BuildFingerprint = BuildFingerprint,
            SettingsFingerprint = SettingsFingerprint,
            ForceRebuild = ForceRebuild,
            PreviewId = PreviewId,
        };
    }
}
