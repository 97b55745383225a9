using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Backups;

public sealed record BackupReport(string Path, long Bytes);

public sealed record RestoreReport(string Path, IReadOnlyList<string> MigrationsApplied);

/// <summary>
/// Backup and restore of GoForge's own database, for administrators (the CLI acts as <see cref="Actor.Operator"/>).
/// Paths are taken literally: resolved against the current folder, never split or interpreted.
/// </summary>
public sealed class BackupService(IDatabaseDumps dumps, IDatabaseUpgrade upgrade, IAuditLog audit, TimeProvider time)
{
    private static readonly Error NotAdmin = Error.Forbidden("Only administrators back up or restore the database.");

    public async Task<Result<BackupReport>> BackupAsync(Actor actor, string? outputPath, bool overwrite, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var path = BackupPathRules.Resolve(outputPath, "Output");
        if (!path.IsSuccess)
        {
            return path.Error;
        }

        var full = path.Value!;
        if (Directory.Exists(full))
        {
            return Error.Validation("Output", $"'{full}' is a folder; name the backup file to write.");
        }

        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            return Error.NotFound($"The folder of '{full}' does not exist.");
        }

        if (File.Exists(full) && !overwrite)
        {
            return Error.Conflict($"'{full}' exists already; choose another file or pass --force to replace it.");
        }

        try
        {
            var bytes = await dumps.DumpAsync(full, ct);
            await audit.RecordAsync(time, actor, AuditActions.DatabaseBackedUp, "database", $"{bytes} bytes", ct);
            return new BackupReport(full, bytes);
        }
        catch (DatabaseDumpException ex)
        {
            return Error.Conflict($"The backup failed: {ex.Message}");
        }
    }

    /// <summary>Restores into an empty database (or, with <paramref name="force"/>, over what is there), then migrates and checks the secrets key.</summary>
    public async Task<Result<RestoreReport>> RestoreAsync(Actor actor, string? inputPath, bool force, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var path = BackupPathRules.Resolve(inputPath, "Input");
        if (!path.IsSuccess)
        {
            return path.Error;
        }

        var full = path.Value!;
        if (!File.Exists(full))
        {
            return Error.NotFound($"No backup file '{full}'.");
        }

        if (!force && !await dumps.IsEmptyAsync(ct))
        {
            return Error.Conflict("The database is not empty; restore into an empty database, or pass --force to replace what is there.");
        }

        IReadOnlyList<string> applied;
        try
        {
            await dumps.RestoreAsync(full, replaceExisting: force, ct);
        }
        catch (DatabaseDumpException ex)
        {
            return Error.Conflict($"The restore failed: {ex.Message}");
        }

        try
        {
            applied = await upgrade.UpgradeAsync(ct);
        }
        catch (InvalidOperationException ex)
        {
            return Error.Conflict($"The data was restored, but: {ex.Message}");
        }

        await audit.RecordAsync(time, actor, AuditActions.DatabaseRestored, "database", $"{applied.Count} migration(s) applied after restore", ct);
        return new RestoreReport(full, applied);
    }
}

/// <summary>What a backup file path may be: anything the file system takes, as one literal path.</summary>
public static class BackupPathRules
{
    public const int MaxLength = 4096;

    public static Result<string> Resolve(string? path, string field)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return Error.Validation(field, "Name a file.");
        }

        if (path.Length > MaxLength || path.Contains('\0', StringComparison.Ordinal))
        {
            return Error.Validation(field, "That is not a usable file path.");
        }

        if (path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
        {
            return Error.Validation(field, "Name a file, not a folder.");
        }

        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return Error.Validation(field, "That is not a usable file path.");
        }
    }
}
