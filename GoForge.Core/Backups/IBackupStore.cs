namespace GoForge.Core.Backups;

/// <summary>Where a destination keeps its archives.</summary>
public enum BackupDestinationKind
{
    /// <summary>A folder on the panel's server.</summary>
    Local,

    /// <summary>A bucket of S3-compatible object storage.</summary>
    S3,
}

/// <summary>A folder on the panel's server (an absolute path, checked by the destination rules).</summary>
public sealed record LocalDestinationSettings(string Folder);

/// <summary>
/// A bucket of S3-compatible object storage. <see cref="Endpoint"/> is null for AWS itself; <see cref="PathStyle"/> is for
/// servers that do not serve virtual-hosted buckets. The secret key is decrypted only to open the store.
/// </summary>
public sealed record S3DestinationSettings(
    string Bucket, string Prefix, string Region, Uri? Endpoint, bool PathStyle, string AccessKeyId, string SecretAccessKey);

/// <summary>
/// An opened destination, with its secrets decrypted. <see cref="ArchiveKey"/> (32 bytes) turns on client-side
/// encryption of every archive (AES-256-GCM); null stores archives as they are.
/// </summary>
public sealed record BackupStoreSpec(
    Guid DestinationId, BackupDestinationKind Kind, LocalDestinationSettings? Local, S3DestinationSettings? S3, byte[]? ArchiveKey);

/// <summary>An archive as a destination lists it: <see cref="Key"/> is relative to the destination (folder or prefix).</summary>
public sealed record StoredArchive(string Key, long Bytes, DateTimeOffset LastModified);

/// <summary>
/// One destination, opened. Archives are streamed in and out, never held whole in memory. Keys are made by GoForge
/// (never by a user), relative, with '/' separators and no "..".
/// </summary>
public interface IBackupStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, read to its end; returns the bytes stored. A failed write leaves nothing under the key.</summary>
    Task<long> WriteAsync(string key, Stream content, CancellationToken ct = default);

    /// <summary>Opens a stored archive for reading (decrypted when the destination encrypts). Throws <see cref="FileNotFoundException"/> when it is gone.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct = default);

    /// <summary>Removes an archive; removing one that is gone is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>The archives under <paramref name="keyPrefix"/>.</summary>
    Task<IReadOnlyList<StoredArchive>> ListAsync(string keyPrefix, CancellationToken ct = default);

    /// <summary>
    /// Removes what a write of an archive whose key starts with <paramref name="keyStem"/> (<see cref="BackupArchiveKeys.Stem"/>)
    /// left when the panel was killed during it: a temporary file, an unfinished multipart upload. Called at start-up
    /// for the runs a killed panel left running, before any new write; returns how many leftovers were removed.
    /// </summary>
    Task<int> RemovePartialWritesAsync(string keyStem, CancellationToken ct = default);
}

/// <summary>Opens a destination's store; the adapter for each <see cref="BackupDestinationKind"/> lives in Infrastructure.</summary>
public interface IBackupStoreFactory
{
    IBackupStore Open(BackupStoreSpec spec);
}

/// <summary>A destination could not be reached or refused the operation; the message names the destination's problem, never a secret.</summary>
public sealed class BackupStoreException : Exception
{
    public BackupStoreException(string message)
        : base(message)
    {
    }

    public BackupStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupStoreException()
    {
    }
}
