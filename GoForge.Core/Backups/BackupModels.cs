namespace GoForge.Core.Backups;

/// <summary>What a schedule or a run is about: a service of a project, or the panel's own database.</summary>
public enum BackupTargetKind
{
    Service,
    PanelDatabase,
}

public enum BackupRunKind
{
    Backup,
    Restore,
}

public enum BackupRunState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}

public enum BackupTrigger
{
    Scheduled,
    Manual,
}

/// <summary>A destination as stored, without its secrets (they are read only to open its store).</summary>
public sealed record BackupDestination
{
    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required BackupDestinationKind Kind { get; init; }

    public string? LocalFolder { get; init; }

    public string? S3Bucket { get; init; }

    public string? S3Prefix { get; init; }

    public string? S3Region { get; init; }

    public Uri? S3Endpoint { get; init; }

    public bool S3PathStyle { get; init; }

    public string? S3AccessKeyId { get; init; }

    /// <summary>True when archives are encrypted on the panel before they leave it (a stored archive key).</summary>
    public bool EncryptsArchives { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Where, for the history: the folder, or the bucket and prefix.</summary>
    public string Where => Kind == BackupDestinationKind.Local ? LocalFolder ?? string.Empty : $"s3://{S3Bucket}/{S3Prefix}";
}

/// <summary>
/// What an administrator enters for a destination. <see cref="S3SecretAccessKey"/> left empty on an update keeps the
/// stored one; <see cref="EncryptArchives"/> creates a random 32-byte archive key once (turning it off forgets it:
/// archives encrypted with it no longer open, which the form says).
/// </summary>
public sealed record BackupDestinationInput
{
    public string? Name { get; set; }

    public BackupDestinationKind Kind { get; set; }

    public string? LocalFolder { get; set; }

    public string? S3Bucket { get; set; }

    public string? S3Prefix { get; set; }

    public string? S3Region { get; set; }

    public string? S3Endpoint { get; set; }

    public bool S3PathStyle { get; set; }

    public string? S3AccessKeyId { get; set; }

    public string? S3SecretAccessKey { get; set; }

    public bool EncryptArchives { get; set; }
}

/// <summary>A destination for the schedule form: what anyone who sets a schedule may see of it.</summary>
public sealed record BackupDestinationChoice(Guid Id, string Name, BackupDestinationKind Kind);

public sealed record BackupSchedule
{
    public required Guid Id { get; init; }

    public required BackupTargetKind TargetKind { get; init; }

    /// <summary>The service's id, or <see cref="PanelDatabase.TargetId"/>.</summary>
    public required Guid TargetId { get; init; }

    public Guid? ProjectId { get; init; }

    public required Guid DestinationId { get; init; }

    public required string Cron { get; init; }

    public int? KeepLast { get; init; }

    public int? KeepDays { get; init; }

    public required bool Enabled { get; init; }

    /// <summary>The last occurrence the scheduler queued (or the schedule's creation): the next one is after it.</summary>
    public DateTimeOffset? LastScheduledAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

public sealed record BackupScheduleInput
{
    public string? Cron { get; set; }

    public Guid? DestinationId { get; set; }

    public int? KeepLast { get; set; }

    public int? KeepDays { get; set; }

    public bool Enabled { get; set; } = true;
}

/// <summary>A backup or a restore, queued, running or ended. <see cref="Fingerprint"/> is what a restore is checked against.</summary>
public sealed record BackupRun
{
    public required Guid Id { get; init; }

    public required BackupRunKind Kind { get; init; }

    public required BackupTargetKind TargetKind { get; init; }

    public required Guid TargetId { get; init; }

    public Guid? ProjectId { get; init; }

    public Guid? ScheduleId { get; init; }

    public Guid? DestinationId { get; init; }

    public required string DestinationName { get; init; }

    /// <summary>For a restore: the backup it restores.</summary>
    public Guid? SourceRunId { get; init; }

    public required BackupTrigger Trigger { get; init; }

    public required BackupRunState State { get; init; }

    public string? ArchiveKey { get; init; }

    public string? Engine { get; init; }

    public long? Bytes { get; init; }

    public BackupFingerprint? Fingerprint { get; init; }

    /// <summary>For a restore: true when the counts after it equal the backup's, false when they differ, null when not checked.</summary>
    public bool? Verified { get; init; }

    public string? Verification { get; init; }

    public string? Error { get; init; }

    public Guid? RequestedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>When retention removed the archive (null while it is kept).</summary>
    public DateTimeOffset? PrunedAt { get; init; }

    public TimeSpan? Duration => StartedAt is { } s && EndedAt is { } e ? e - s : null;

    public bool InFlight => State is BackupRunState.Queued or BackupRunState.Running;

    /// <summary>A succeeded backup whose archive retention has not removed: it can be downloaded and restored.</summary>
    public bool HasArchive => Kind == BackupRunKind.Backup && State == BackupRunState.Succeeded && ArchiveKey is not null && PrunedAt is null && DestinationId is not null;
}

/// <summary>The panel's own database as a backup target.</summary>
public static class PanelDatabase
{
    /// <summary>The fixed target id of the panel database's schedule and runs.</summary>
    public static readonly Guid TargetId = new("00000000-0000-0000-0000-0000000000db");
}
