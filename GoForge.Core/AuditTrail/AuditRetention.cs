using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.AuditTrail;

/// <summary>The saved "keep audit events for N days".</summary>
public sealed record AuditRetentionSetting(int Days, DateTimeOffset UpdatedAt);

/// <param name="Saved">False while the default (<see cref="AuditRetention.DefaultDays"/>) applies.</param>
public sealed record AuditRetentionView(int Days, bool Saved, DateTimeOffset? UpdatedAt);

public sealed record AuditRetentionInput(int Days);

public interface IAuditRetentionRepository
{
    /// <summary>The saved setting, or null while no administrator has saved one.</summary>
    Task<AuditRetentionSetting?> GetAsync(CancellationToken ct = default);

    Task SaveAsync(int days, Guid? updatedBy, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Deletes up to <paramref name="batchSize"/> of the oldest events that occurred before <paramref name="cutoff"/>, in one statement; answers how many.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int batchSize, CancellationToken ct = default);
}

/// <summary>
/// "Keep audit events for N days" (docs/decisions/audit-log.md, "Retention"): read by the daily prune, changed by
/// administrators only on the Settings page or the API, audited with the value before and after.
/// </summary>
public sealed class AuditRetention(IAuditRetentionRepository repository, IAuditLog audit, TimeProvider time)
{
    public const int DefaultDays = 365;
    public const int MinDays = 30;
    public const int MaxDays = 3650;

    private static readonly Error NotAdmin = Error.Forbidden("Only administrators change how long audit events are kept.");

    /// <summary>The number of days in effect.</summary>
    public async Task<int> DaysAsync(CancellationToken ct = default) => (await repository.GetAsync(ct))?.Days ?? DefaultDays;

    public async Task<Result<AuditRetentionView>> GetAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return IsAdministrator(actor) ? await ViewAsync(ct) : NotAdmin;
    }

    public async Task<Result<AuditRetentionView>> SaveAsync(Actor actor, AuditRetentionInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        if (!IsAdministrator(actor))
        {
            return NotAdmin;
        }

        if (input.Days is < MinDays or > MaxDays)
        {
            return Error.Validation(nameof(AuditRetentionInput.Days), $"Keep audit events for {MinDays} to {MaxDays} days.");
        }

        var before = await DaysAsync(ct);
        await repository.SaveAsync(input.Days, actor.AccountId, time.GetUtcNow(), ct);
        await audit.RecordAsync(time, actor, AuditActions.AuditRetentionChanged, "settings:audit-retention",
            $"before: {before} days; after: {input.Days} days", ct);
        return await ViewAsync(ct);
    }

    // A project-restricted token reaches one project, never installation settings, even an administrator's.
    private static bool IsAdministrator(Actor actor) => actor.IsAdmin && actor.ProjectRestriction is null;

    private async Task<AuditRetentionView> ViewAsync(CancellationToken ct)
    {
        var saved = await repository.GetAsync(ct);
        return saved is null ? new AuditRetentionView(DefaultDays, false, null) : new AuditRetentionView(saved.Days, true, saved.UpdatedAt);
    }
}
