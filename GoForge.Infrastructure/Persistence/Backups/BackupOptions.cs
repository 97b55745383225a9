using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Persistence.Backups;

/// <summary>How backups of GoForge's own database run (section <c>GoForge:Backup</c>).</summary>
public sealed class BackupOptions
{
    public const string SectionName = "GoForge:Backup";

    /// <summary>
    /// The folder holding <c>pg_dump</c> and <c>pg_restore</c>. Unset: the first found on <c>PATH</c>, else the newest
    /// under <c>/usr/lib/postgresql/*/bin</c> (Debian's layout). They must be at least the server's major version.
    /// </summary>
    public string? PostgresBinPath { get; set; }

    /// <summary>Longest a dump or restore may take before it is stopped. Default 1 hour.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);
}

internal sealed class BackupOptionsValidator : IValidateOptions<BackupOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupOptions options)
    {
        var failures = new List<string>();
        if (options.PostgresBinPath is { } bin && (string.IsNullOrWhiteSpace(bin) || !Path.IsPathFullyQualified(bin)))
        {
            failures.Add($"{BackupOptions.SectionName}:{nameof(BackupOptions.PostgresBinPath)} must be an absolute folder path.");
        }

        if (options.Timeout < TimeSpan.FromSeconds(10))
        {
            failures.Add($"{BackupOptions.SectionName}:{nameof(BackupOptions.Timeout)} must be at least 10 seconds.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
