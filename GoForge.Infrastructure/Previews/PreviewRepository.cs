using Dapper;
using GoForge.Core.GitProviders;
using GoForge.Core.Previews;
using GoForge.Infrastructure.Persistence;
using Npgsql;

namespace GoForge.Infrastructure.Previews;

/// <summary>Previews, their settings and the variables marked for previews (migration 0028).</summary>
internal sealed class PreviewRepository(NpgsqlDataSource dataSource) : IPreviewRepository
{
    private const string SettingsColumns = "application_id, enabled, domain_pattern, max_concurrent, idle_days, updated_at";

    private const string Columns =
        "id, application_id, provider, number, title, author, head_repository, head_ref, head_commit, is_fork, state, approved_commit, approved_by, reason, created_at, last_activity_at, closed_at";

    public async Task<PreviewSettings?> GetSettingsAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {SettingsColumns} FROM preview_settings WHERE application_id = @applicationId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<PreviewSettings>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
    }

    public async Task<bool> SaveSettingsAsync(PreviewSettings settings, string zone, CancellationToken ct = default)
    {
        // The zone's unique index decides between two applications saving one zone at once.
        const string sql = $"""
            INSERT INTO preview_settings ({SettingsColumns}, domain_zone)
            VALUES (@ApplicationId, @Enabled, @DomainPattern, @MaxConcurrent, @IdleDays, @UpdatedAt, @zone)
            ON CONFLICT (application_id) DO UPDATE
            SET enabled = excluded.enabled, domain_pattern = excluded.domain_pattern, domain_zone = excluded.domain_zone,
                max_concurrent = excluded.max_concurrent, idle_days = excluded.idle_days, updated_at = excluded.updated_at
            """;
        ArgumentNullException.ThrowIfNull(settings);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await conn.ExecuteAsync(new CommandDefinition(sql, new
            {
                settings.ApplicationId, settings.Enabled, settings.DomainPattern, settings.MaxConcurrent, settings.IdleDays, settings.UpdatedAt, zone,
            }, cancellationToken: ct));
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    public async Task<Preview?> GetAsync(Guid previewId, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM previews WHERE id = @previewId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { previewId }, cancellationToken: ct));
        return row?.ToPreview();
    }

    public async Task<Preview?> FindAsync(Guid applicationId, WebhookProvider provider, int number, CancellationToken ct = default)
    {
        const string sql = $"SELECT {Columns} FROM previews WHERE application_id = @applicationId AND provider = @provider AND number = @number";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { applicationId, provider = provider.ToDb(), number }, cancellationToken: ct));
        return row?.ToPreview();
    }

    public async Task<IReadOnlyList<Preview>> ListAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = $"""
            SELECT {Columns} FROM previews WHERE application_id = @applicationId
            ORDER BY (state = 'closed'), last_activity_at DESC, id DESC
            LIMIT 200
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Row>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct))).Select(r => r.ToPreview()).ToList();
    }

    public async Task<int> CountPlacesAsync(Guid applicationId, Guid? except, CancellationToken ct = default)
    {
        const string sql = """
            SELECT count(*)::int FROM previews
            WHERE application_id = @applicationId AND state IN ('queued', 'running') AND (@except::uuid IS NULL OR id <> @except)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { applicationId, except }, cancellationToken: ct));
    }

    public async Task<Preview> SaveAsync(Preview preview, CancellationToken ct = default)
    {
        // Keyed by the pull request, not the id: two deliveries of one new pull request at once make one row.
        const string sql = $"""
            INSERT INTO previews ({Columns})
            VALUES (@Id, @ApplicationId, @Provider, @Number, @Title, @Author, @HeadRepository, @HeadRef, @HeadCommit, @IsFork, @State,
                    @ApprovedCommit, @ApprovedBy, @Reason, @CreatedAt, @LastActivityAt, @ClosedAt)
            ON CONFLICT (application_id, provider, number) DO UPDATE
            SET title = excluded.title, author = excluded.author, head_repository = excluded.head_repository, head_ref = excluded.head_ref,
                head_commit = excluded.head_commit, is_fork = excluded.is_fork, state = excluded.state,
                approved_commit = excluded.approved_commit, approved_by = excluded.approved_by, reason = excluded.reason,
                last_activity_at = excluded.last_activity_at, closed_at = excluded.closed_at
            RETURNING {Columns}
            """;
        ArgumentNullException.ThrowIfNull(preview);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleAsync<Row>(new CommandDefinition(sql, Row.From(preview), cancellationToken: ct));
        return row.ToPreview();
    }

    public async Task DeleteAsync(Guid previewId, CancellationToken ct = default)
    {
        const string sql = "DELETE FROM previews WHERE id = @previewId";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { previewId }, cancellationToken: ct));
    }

    public async Task<bool> SetOutcomeAsync(Guid previewId, string headCommit, PreviewState state, string reason, CancellationToken ct = default)
    {
        const string sql = """
            UPDATE previews SET state = @state, reason = @reason
            WHERE id = @previewId AND head_commit = @headCommit AND state <> 'closed'
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { previewId, headCommit, state = ToDb(state), reason = reason.Length > 1000 ? reason[..1000] : reason }, cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<Preview>> ListClosedWithLeftoversAsync(CancellationToken ct = default)
    {
        const string sql = $"""
            SELECT {Columns} FROM previews p
            WHERE p.state = 'closed'
              AND EXISTS (SELECT 1 FROM deployments d WHERE d.preview_id = p.id
                          AND (d.state IN ('pending', 'cloning', 'building', 'pulling', 'deploying', 'running')
                               OR (d.image_tag IS NOT NULL AND d.image_pruned_at IS NULL)))
            ORDER BY p.closed_at
            LIMIT 100
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Row>(new CommandDefinition(sql, cancellationToken: ct))).Select(r => r.ToPreview()).ToList();
    }

    public async Task<IReadOnlyList<Preview>> ListIdleAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        const string sql = $"""
            SELECT {Columns} FROM previews
            WHERE state <> 'closed' AND last_activity_at < @now - make_interval(days => (
                SELECT s.idle_days FROM preview_settings s WHERE s.application_id = previews.application_id))
            ORDER BY last_activity_at
            LIMIT 100
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Row>(new CommandDefinition(sql, new { now }, cancellationToken: ct))).Select(r => r.ToPreview()).ToList();
    }

    public async Task<Preview?> OldestWaitingAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = $"""
            SELECT {Columns} FROM previews WHERE application_id = @applicationId AND state = 'limit-reached'
            ORDER BY last_activity_at, id LIMIT 1
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct));
        return row?.ToPreview();
    }

    public async Task<IReadOnlySet<Guid>> ListPreviewVariableIdsAsync(Guid applicationId, CancellationToken ct = default)
    {
        const string sql = """
            SELECT pv.variable_id FROM preview_variables pv
            JOIN environment_variables v ON v.id = pv.variable_id
            WHERE v.application_id = @applicationId
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Guid>(new CommandDefinition(sql, new { applicationId }, cancellationToken: ct))).ToHashSet();
    }

    public async Task<bool> SetPreviewVariableAsync(Guid applicationId, Guid variableId, bool available, CancellationToken ct = default)
    {
        // Both statements check that the variable is the application's: an id of another application's variable does nothing.
        const string markSql = """
            INSERT INTO preview_variables (variable_id)
            SELECT id FROM environment_variables WHERE id = @variableId AND application_id = @applicationId
            ON CONFLICT (variable_id) DO NOTHING
            """;
        const string unmarkSql = """
            DELETE FROM preview_variables
            WHERE variable_id = @variableId AND EXISTS (SELECT 1 FROM environment_variables WHERE id = @variableId AND application_id = @applicationId)
            """;
        const string existsSql = "SELECT EXISTS (SELECT 1 FROM environment_variables WHERE id = @variableId AND application_id = @applicationId)";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition(existsSql, new { applicationId, variableId }, cancellationToken: ct)))
        {
            return false;
        }

        await conn.ExecuteAsync(new CommandDefinition(available ? markSql : unmarkSql, new { applicationId, variableId }, cancellationToken: ct));
        return true;
    }

    private static string ToDb(PreviewState state) => state switch
    {
        PreviewState.AwaitingApproval => "awaiting-approval",
        PreviewState.Queued => "queued",
        PreviewState.LimitReached => "limit-reached",
        PreviewState.Running => "running",
        PreviewState.Failed => "failed",
        PreviewState.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static PreviewState ToState(string value) => value switch
    {
        "awaiting-approval" => PreviewState.AwaitingApproval,
        "queued" => PreviewState.Queued,
        "limit-reached" => PreviewState.LimitReached,
        "running" => PreviewState.Running,
        "failed" => PreviewState.Failed,
        "closed" => PreviewState.Closed,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown preview state in the database."),
    };

    private sealed record Row
    {
        public Guid Id { get; init; }
        public Guid ApplicationId { get; init; }
        public string Provider { get; init; } = "";
        public int Number { get; init; }
        public string Title { get; init; } = "";
        public string Author { get; init; } = "";
        public string HeadRepository { get; init; } = "";
        public string? HeadRef { get; init; }
        public string HeadCommit { get; init; } = "";
        public bool IsFork { get; init; }
        public string State { get; init; } = "";
        public string? ApprovedCommit { get; init; }
        public Guid? ApprovedBy { get; init; }
        public string? Reason { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset LastActivityAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }

        public static Row From(Preview p) => new()
        {
            Id = p.Id, ApplicationId = p.ApplicationId, Provider = p.Provider.ToDb(), Number = p.Number, Title = p.Title, Author = p.Author,
            HeadRepository = p.HeadRepository, HeadRef = p.HeadRef, HeadCommit = p.HeadCommit, IsFork = p.IsFork, State = ToDb(p.State),
            ApprovedCommit = p.ApprovedCommit, ApprovedBy = p.ApprovedBy, Reason = p.Reason, CreatedAt = p.CreatedAt,
            LastActivityAt = p.LastActivityAt, ClosedAt = p.ClosedAt,
        };

        public Preview ToPreview() => new()
        {
            Id = Id, ApplicationId = ApplicationId, Provider = DbEnums.ToWebhookProvider(Provider), Number = Number, Title = Title, Author = Author,
            HeadRepository = HeadRepository, HeadRef = HeadRef, HeadCommit = HeadCommit, IsFork = IsFork, State = ToState(State),
            ApprovedCommit = ApprovedCommit, ApprovedBy = ApprovedBy, Reason = Reason, CreatedAt = CreatedAt,
            LastActivityAt = LastActivityAt, ClosedAt = ClosedAt,
        };
    }
}
