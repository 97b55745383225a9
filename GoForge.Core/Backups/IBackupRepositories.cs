namespace GoForge.Core.Backups;

/// <summary>Backup destinations; secrets go in as plain text and are encrypted at rest.</summary>
public interface IBackupDestinationRepository
{
    Task<IReadOnlyList<BackupDestination>> ListAsync(CancellationToken ct = default);

    Task<BackupDestination?> GetAsync(Guid id, CancellationToken ct = default);

    /// <summary>
    /// Inserts or updates the destination and its secrets; a null <paramref name="s3SecretAccessKey"/> keeps the stored
    /// one, a null <paramref name="archiveKey"/> with <paramref name="keepArchiveKey"/> false removes it. False when the name is taken.
    /// </summary>
    Task<bool> TrySaveAsync(BackupDestination destination, string? s3SecretAccessKey, byte[]? archiveKey, bool keepArchiveKey, CancellationToken ct = default);

    /// <summary>False when it is gone; throws <see cref="BackupDestinationInUseException"/> while a schedule uses it.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken ct = default);

    /// <summary>The destination with its secrets decrypted, to open its store; null when it is gone.</summary>
    Task<BackupStoreSpec?> OpenSpecAsync(Guid id, CancellationToken ct = default);
}

public sealed class BackupDestinationInUseException : Exception
{
    public BackupDestinationInUseException(string message)
        : base(message)
    {
    }

    public BackupDestinationInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupDestinationInUseException()
    {
    }
}

public interface IBackupScheduleRepository
{
    Task<BackupSchedule?> GetByTargetAsync(Guid targetId, CancellationToken ct = default);

    /// <summary>Inserts or replaces the target's schedule (one per target).</summary>
    Task SaveAsync(BackupSchedule schedule, CancellationToken ct = default);

    Task<IReadOnlyList<BackupSchedule>> ListEnabledAsync(CancellationToken ct = default);

    /// <summary>Compare-and-set of the last queued occurrence, so two schedulers queue an occurrence once.</summary>
    Task<bool> TryMarkScheduledAsync(Guid id, DateTimeOffset? previous, DateTimeOffset occurrence, CancellationToken ct = default);
}

/// <summary>
/// The durable queue of backups and restores: one queued-or-running run per target (a unique partial index), claimed
/// oldest first with <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public interface IBackupRunRepository
{
    /// <summary>False when the target has a run queued or running already.</summary>
    Task<bool> TryEnqueueAsync(BackupRun run, CancellationToken ct = default);

    Task<BackupRun?> GetAsync(Guid id, CancellationToken ct = default);

    Task<BackupRun?> GetInFlightAsync(Guid targetId, CancellationToken ct = default);

    Task<IReadOnlyList<BackupRun>> ClaimAsync(int limit, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Ends a backup run that succeeded, with what it stored.</summary>
    Task<bool> TryCompleteBackupAsync(Guid id, string archiveKey, string engine, long bytes, BackupFingerprint? fingerprint, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Ends a restore run that succeeded, with its verification.</summary>
    Task<bool> TryCompleteRestoreAsync(Guid id, string engine, bool? verified, string verification, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Ends a queued or running run failed or canceled with the reason.</summary>
    Task<bool> TryEndAsync(Guid id, BackupRunState state, string error, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Cancels a run that has not started; false when it started or ended.</summary>
    Task<bool> TryCancelQueuedAsync(Guid id, string error, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The runs recorded running: at start-up, before any claim, those a stopped panel left.</summary>
    Task<IReadOnlyList<BackupRun>> ListRunningAsync(CancellationToken ct = default);

    /// <summary>Ends every run left running (by a panel that stopped) failed with <paramref name="error"/>; returns them.</summary>
    Task<IReadOnlyList<BackupRun>> EndRunningAsync(string error, DateTimeOffset now, CancellationToken ct = default);

    Task<IReadOnlyList<BackupRun>> ListRecentAsync(Guid targetId, int limit, CancellationToken ct = default);

    /// <summary>Succeeded backups of the target at the destination whose archive is still there, newest first.</summary>
    Task<IReadOnlyList<BackupRun>> ListKeptArchivesAsync(Guid targetId, Guid destinationId, CancellationToken ct = default);

    Task MarkPrunedAsync(Guid id, DateTimeOffset now, CancellationToken ct = default);
}
