using Cronos;
using GoForge.Core.Common;

namespace GoForge.Core.Backups;

/// <summary>
/// Cron expressions (five fields, Cronos) read in the server's time zone (<see cref="TimeZone"/>, shown in the UI),
/// and retention (keep the last N and/or N days; an archive is kept when any rule set keeps it).
/// </summary>
public static class BackupScheduleRules
{
    public const int MaxKeepLast = 1000;
    public const int MaxKeepDays = 3650;

    /// <summary>The server's time zone, in which every schedule is read.</summary>
    public static TimeZoneInfo TimeZone => TimeZoneInfo.Local;

    /// <summary>For the form: "Europe/Berlin (UTC+01:00)".</summary>
    public static string TimeZoneDisplay
    {
        get
        {
            var zone = TimeZone;
            var offset = zone.GetUtcOffset(DateTimeOffset.UtcNow);
            return $"{zone.Id} (UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm})";
        }
    }

    public static Result<CronExpression> ParseCron(string? cron)
    {
        const string field = nameof(BackupScheduleInput.Cron);
        if (string.IsNullOrWhiteSpace(cron) || cron.Length > 100 || cron.Any(char.IsControl))
        {
            return Error.Validation(field, "Give a cron expression of five fields, such as '0 3 * * *' (every day at 03:00).");
        }

        try
        {
            return CronExpression.Parse(cron.Trim(), CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            return Error.Validation(field, $"'{cron.Trim()}' is not a cron expression of five fields (minute hour day month weekday): {e.Message}");
        }
    }

    /// <summary>The next time the expression fires after <paramref name="after"/>, in the server's time zone; null when never.</summary>
    public static DateTimeOffset? Next(CronExpression cron, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(cron);
        return cron.GetNextOccurrence(after, TimeZone);
    }

    /// <summary>Checks the input; the cron expression comes back trimmed.</summary>
    public static Result<BackupScheduleInput> Validate(BackupScheduleInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var cron = ParseCron(input.Cron);
        if (!cron.IsSuccess)
        {
            errors.Add(nameof(input.Cron), cron.Error.Message);
        }
        else if (Next(cron.Value, DateTimeOffset.UtcNow) is null)
        {
            errors.Add(nameof(input.Cron), "That cron expression never fires.");
        }

        if (input.DestinationId is null)
        {
            errors.Add(nameof(input.DestinationId), "Choose a destination.");
        }

        if (input.KeepLast is { } last && (last < 1 || last > MaxKeepLast))
        {
            errors.Add(nameof(input.KeepLast), $"Keep between 1 and {MaxKeepLast} archives, or leave it empty.");
        }

        if (input.KeepDays is { } days && (days < 1 || days > MaxKeepDays))
        {
            errors.Add(nameof(input.KeepDays), $"Keep between 1 and {MaxKeepDays} days, or leave it empty.");
        }

        return errors.IsEmpty ? input with { Cron = input.Cron!.Trim() } : errors.ToError();
    }

    /// <summary>
    /// The archives retention removes, from <paramref name="kept"/> (newest first): those outside the last
    /// <paramref name="keepLast"/> and older than <paramref name="keepDays"/> days. With neither rule nothing is removed;
    /// the newest archive is never removed.
    /// </summary>
    public static IReadOnlyList<BackupRun> ToPrune(IReadOnlyList<BackupRun> kept, int? keepLast, int? keepDays, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(kept);
        if (keepLast is null && keepDays is null)
        {
            return [];
        }

        var ordered = kept.OrderByDescending(r => r.EndedAt ?? r.CreatedAt).ThenByDescending(r => r.Id).ToList();
        var prune = new List<BackupRun>();
        for (var i = 1; i < ordered.Count; i++)
        {
            var run = ordered[i];
            var byCount = keepLast is { } n && i < n;
            var byAge = keepDays is { } d && (run.EndedAt ?? run.CreatedAt) > now.AddDays(-d);
            if (!byCount && !byAge)
            {
                prune.Add(run);
            }
        }

        return prune;
    }
}
