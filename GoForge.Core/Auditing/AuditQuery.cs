namespace GoForge.Core.Auditing;

/// <summary>
/// Which events to read, already validated and authorised by the audit log service (docs/decisions/audit-log.md).
/// Every filter is ANDed; null means "any".
/// </summary>
public sealed record AuditQuery
{
    /// <summary>Only events with an id below this one (keyset paging, newest first); the newest when null.</summary>
    public long? BeforeId { get; init; }

    /// <summary>How many events, at most.</summary>
    public required int Limit { get; init; }

    /// <summary>Only events this account did.</summary>
    public Guid? ActorUserId { get; init; }

    /// <summary>
    /// Only events of these projects (never installation-wide ones) when not null; an empty list matches nothing.
    /// A maintainer's view is the list of their maintained projects, or the one they filter by.
    /// </summary>
    public IReadOnlyList<Guid>? ProjectIds { get; init; }

    /// <summary>Only this action, exactly.</summary>
    public string? Action { get; init; }

    /// <summary>Only actions starting with this text (for example <c>user.</c>).</summary>
    public string? ActionPrefix { get; init; }

    /// <summary>Only events at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events before this time.</summary>
    public DateTimeOffset? To { get; init; }
}

/// <summary>An event as the audit log page shows it: with the acting account's login and the project's name, when they still exist.</summary>
public sealed record AuditEntry(AuditEvent Event, string? ActorLogin, string? ProjectName);

/// <summary>The audit log's filtered, keyset-paged read (the page, the API and the CSV export).</summary>
public interface IAuditLogReader
{
    /// <summary>Up to <see cref="AuditQuery.Limit"/> events matching the query, newest first by id.</summary>
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken ct = default);
}
