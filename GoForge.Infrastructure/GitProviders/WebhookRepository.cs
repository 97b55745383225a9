using Dapper;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Infrastructure.Auditing;
using GoForge.Infrastructure.Deployments;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.GitProviders;

/// <summary>Webhook secrets, encrypted here bound to their row id, and the deliveries, one row per delivery id.</summary>
internal sealed class WebhookRepository(NpgsqlDataSource dataSource, ISecretProtector protector) : IWebhookRepository
{
    private const string DeliveryColumns =
        "id, application_id, provider, delivery_key, event, received_at, last_received_at, redeliveries, outcome, claim_token, reason, git_ref, commit_sha, deployment_id";

    public async Task<string?> GetSecretAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = "SELECT id, secret_key_id, secret_ciphertext FROM webhook_secrets WHERE application_id = @applicationId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<SecretRow>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return row is null ? null : protector.Unprotect(new ProtectedValue(row.SecretKeyId, row.SecretCiphertext), row.Id);
    }

    public async Task<DateTimeOffset?> GetSecretCreatedAtAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = "SELECT created_at FROM webhook_secrets WHERE application_id = @applicationId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<DateTimeOffset?>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
    }

    public async Task SetSecretAsync(Guid applicationId, string secret, DateTimeOffset now, CancellationToken ct = default)
    {
        // A new row id each time: the old ciphertext is bound to the old id and can never verify again.
        const string sql = """
            INSERT INTO webhook_secrets (id, application_id, secret_ciphertext, secret_key_id, created_at)
            VALUES (@id, @applicationId, @ciphertext, @keyId, @now)
            ON CONFLICT (application_id) DO UPDATE
            SET id = excluded.id, secret_ciphertext = excluded.secret_ciphertext, secret_key_id = excluded.secret_key_id, created_at = excluded.created_at
            """;
        var id = Guid.CreateVersion7(now);
        var value = protector.Protect(secret, id);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, applicationId, ciphertext = value.Ciphertext, keyId = value.KeyId, now }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<WebhookTarget>> ListTargetsAsync(CancellationToken ct = default)
    {
        const string sql = "SELECT a.id AS application_id, a.git_url FROM webhook_secrets w JOIN applications a ON a.id = w.application_id";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<WebhookTarget>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    public async Task<WebhookRecording> RecordAsync(WebhookDelivery delivery, DateTimeOffset staleBefore, DeploymentQueueing? queue, CancellationToken ct = default)
    {
        // Every SET expression reads the row as it was: a final outcome stays; a rejected, failed or stale claim is
        // taken over by this caller's token, which RETURNING compares.
        const string claimSql = $"""
            INSERT INTO webhook_deliveries ({DeliveryColumns})
            VALUES (@Id, @ApplicationId, @Provider, @DeliveryKey, @Event, @ReceivedAt, @ReceivedAt, 0, @Outcome, @ClaimToken, @Reason, @GitRef, @CommitSha, NULL)
            ON CONFLICT (application_id, provider, delivery_key) DO UPDATE
            SET redeliveries = webhook_deliveries.redeliveries + 1,
                last_received_at = excluded.last_received_at,
                claim_token = CASE WHEN {TakeOver} THEN excluded.claim_token ELSE webhook_deliveries.claim_token END,
                outcome = CASE WHEN {TakeOver} THEN excluded.outcome ELSE webhook_deliveries.outcome END,
                reason = CASE WHEN {TakeOver} THEN excluded.reason ELSE webhook_deliveries.reason END
            RETURNING {DeliveryColumns};
            """;

        // Runs after the claim and the application's lock in the same batch, so it sees the claimed row: the deployment
        // is queued only when this caller's token holds the delivery. The link and the audit row are written in the statement that inserts the
        // deployment (a foreign key is checked at the end of the statement).
        const string queueSql = $"""
            WITH gate AS (
                SELECT 1 FROM webhook_deliveries
                WHERE application_id = @ApplicationId AND provider = @Provider AND delivery_key = @DeliveryKey AND claim_token = @ClaimToken),
            {DeploymentRepository.QueueCtes},
            linked AS (
                UPDATE webhook_deliveries SET deployment_id = @QueuedId
                WHERE application_id = @ApplicationId AND provider = @Provider AND delivery_key = @DeliveryKey AND EXISTS (SELECT 1 FROM created)),
            audited AS (
                INSERT INTO audit_events ({AuditLogRepository.InsertColumns}) SELECT {AuditLogRepository.InsertValues} FROM created)
            {DeploymentRepository.QueueResult};
            """;

        // One command of several statements: Npgsql sends them in one round trip with one Sync, so PostgreSQL runs
        // them as one implicit transaction (any error rolls back all of them).
        var claimToken = Guid.NewGuid();
        var parameters = new DynamicParameters(Parameters(delivery, claimToken, staleBefore));
        if (queue is not null)
        {
            parameters.AddDynamicParams(DeploymentRepository.QueueParameters(queue.Deployment, queue.Supersession));
            parameters.AddDynamicParams(new
            {
                queue.Audit.OccurredAt,
                queue.Audit.ActorUserId,
                queue.Audit.Action,
                queue.Audit.Target,
                queue.Audit.ClientAddress,
                queue.Audit.Detail,
                queue.Audit.ProjectId,
            });
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var sql = queue is null ? claimSql + PruneSql : claimSql + DeploymentRepository.LockApplicationSql + queueSql + PruneSql;
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
        var row = await results.ReadSingleAsync<DeliveryRow>();
        QueuedDeployment? queued = null;
        if (queue is not null)
        {
            await results.ReadAsync<int>();
            queued = DeploymentRepository.ToQueued(queue.Deployment.Id, await results.ReadAsync<DeploymentRepository.DeploymentRow>());
        }

        var claimed = row.ClaimToken == claimToken;
        var stored = row.ToDelivery();
        return new WebhookRecording(claimed, queued is null ? stored : stored with { DeploymentId = queued.Deployment.Id }, queued);
    }

    public async Task<WebhookDelivery> RecordRejectedAsync(WebhookDelivery delivery, CancellationToken ct = default)
    {
        const string sql = $"""
            INSERT INTO webhook_deliveries ({DeliveryColumns})
            VALUES (@Id, @ApplicationId, @Provider, @DeliveryKey, @Event, @ReceivedAt, @ReceivedAt, 0, 'rejected', @ClaimToken, @Reason, @GitRef, @CommitSha, NULL)
            ON CONFLICT (application_id, provider, delivery_key) DO UPDATE
            SET redeliveries = webhook_deliveries.redeliveries + 1,
                last_received_at = excluded.last_received_at,
                outcome = CASE WHEN webhook_deliveries.outcome IN ('deployed', 'ignored', 'received') THEN webhook_deliveries.outcome ELSE 'rejected' END,
                reason = CASE WHEN webhook_deliveries.outcome IN ('deployed', 'ignored', 'received') THEN webhook_deliveries.reason ELSE excluded.reason END
            RETURNING {DeliveryColumns};
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(sql + PruneSql, Parameters(delivery, Guid.NewGuid(), DateTimeOffset.MinValue), cancellationToken: ct));
        return (await results.ReadSingleAsync<DeliveryRow>()).ToDelivery();
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListRecentAsync(Guid applicationId, int count, CancellationToken ct = default)
    {
        const string sql = $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE application_id = @applicationId ORDER BY id DESC LIMIT @count";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DeliveryRow>(new CommandDefinition(sql, new { applicationId, count }, cancellationToken: ct));
        return rows.Select(r => r.ToDelivery()).ToList();
    }

    // A take-over: the earlier attempt did not end in a final outcome.
    private const string TakeOver =
        "(webhook_deliveries.outcome IN ('rejected', 'failed') OR (webhook_deliveries.outcome = 'received' AND webhook_deliveries.last_received_at < @StaleBefore))";

    // The last statement of a recording's batch: keeps the application's newest deliveries.
    private const string PruneSql = """

        DELETE FROM webhook_deliveries
        WHERE application_id = @ApplicationId
          AND id < (SELECT id FROM webhook_deliveries WHERE application_id = @ApplicationId ORDER BY id DESC OFFSET @KeepBeyond LIMIT 1)
        """;

    private static object Parameters(WebhookDelivery d, Guid claimToken, DateTimeOffset staleBefore) => new
    {
        d.Id,
        d.ApplicationId,
        Provider = d.Provider.ToDb(),
        d.DeliveryKey,
        d.Event,
        d.ReceivedAt,
        ClaimToken = claimToken,
        Reason = Truncate(d.Reason),
        d.GitRef,
        d.CommitSha,
        StaleBefore = staleBefore,
        Outcome = d.Outcome.ToDb(),
        KeepBeyond = WebhookLimits.KeptDeliveries - 1,
    };

    private static string? Truncate(string? reason) => reason is { Length: > 1000 } ? reason[..1000] : reason;

    private sealed record SecretRow(Guid Id, string SecretKeyId, byte[] SecretCiphertext);

    private sealed record DeliveryRow(
        Guid Id, Guid ApplicationId, string Provider, string DeliveryKey, string Event, DateTimeOffset ReceivedAt, DateTimeOffset LastReceivedAt,
        int Redeliveries, string Outcome, Guid ClaimToken, string? Reason, string? GitRef, string? CommitSha, Guid? DeploymentId)
    {
        public WebhookDelivery ToDelivery() => new()
        {
            Id = Id,
            ApplicationId = ApplicationId,
            Provider = DbEnums.ToWebhookProvider(Provider),
            DeliveryKey = DeliveryKey,
            Event = Event,
            ReceivedAt = ReceivedAt,
            LastReceivedAt = LastReceivedAt,
            Redeliveries = Redeliveries,
            Outcome = DbEnums.ToWebhookOutcome(Outcome),
            Reason = Reason,
            GitRef = GitRef,
            CommitSha = CommitSha,
            DeploymentId = DeploymentId,
        };
    }
}
