using Microsoft.Extensions.Options;

namespace GoForge.Core.Backups;

/// <summary>How the backup worker and scheduler run (section <c>GoForge:Backups</c>).</summary>
public sealed class BackupRunOptions
{
    public const string SectionName = "GoForge:Backups";

    /// <summary>Longest one backup or restore may take before it is stopped and recorded failed. Default 2 hours.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Runs at once across targets (one per target always). Default 2.</summary>
    public int MaxConcurrent { get; set; } = 2;

    /// <summary>How often the scheduler looks for due schedules. Default 30 seconds.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where the panel database's dump is written before it is streamed to its destination (and removed). Absolute;
    /// defaults to <c>&lt;GoForge:DataPath&gt;/backup-temp</c> (set by Infrastructure).
    /// </summary>
    public string? TempFolder { get; set; }
}

internal sealed class BackupRunOptionsValidator : IValidateOptions<BackupRunOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupRunOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout < TimeSpan.FromSeconds(5) || options.Timeout > TimeSpan.FromDays(2))
        {
            failures.Add($"{BackupRunOptions.SectionName}:{nameof(BackupRunOptions.Timeout)} must be between 5 seconds and 2 days.");
        }

        if (options.MaxConcurrent is < 1 or > 16)
        {
            failures.Add($"{BackupRunOptions.SectionName}:{nameof(BackupRunOptions.MaxConcurrent)} must be between 1 and 16.");
        }

        if (options.SchedulerInterval < TimeSpan.FromMilliseconds(100) || options.SchedulerInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{BackupRunOptions.SectionName}:{nameof(BackupRunOptions.SchedulerInterval)} must be between 0.1 seconds and 10 minutes.");
        }

        if (options.TempFolder is { } folder && (string.IsNullOrWhiteSpace(folder) || !Path.IsPathFullyQualified(folder)))
        {
            failures.Add($"{BackupRunOptions.SectionName}:{nameof(BackupRunOptions.TempFolder)} must be an absolute folder path.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
