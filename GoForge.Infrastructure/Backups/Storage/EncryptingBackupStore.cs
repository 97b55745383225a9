using GoForge.Core.Backups;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>
/// Client-side encryption around any store: archives are written as AES-256-GCM chunks under the destination's 32-byte
/// key (<see cref="ArchiveCipher"/>, documented in docs/decisions/backup-storage.md) and decrypted as they are read,
/// streaming both ways. Listing and deleting pass through; listed sizes are the stored (encrypted) sizes.
/// </summary>
public sealed class EncryptingBackupStore : IBackupStore
{
    private readonly IBackupStore _inner;
    private readonly byte[] _key;

    public EncryptingBackupStore(IBackupStore inner, byte[] archiveKey)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(archiveKey);
        if (archiveKey.Length != ArchiveCipher.KeyBytes)
        {
            throw new BackupStoreException($"The destination's archive key must be {ArchiveCipher.KeyBytes} bytes.");
        }

        _inner = inner;
        _key = [.. archiveKey];
    }

    /// <summary><paramref name="store"/> itself when <paramref name="archiveKey"/> is null, else encrypting around it.</summary>
    public static IBackupStore Wrap(IBackupStore store, byte[]? archiveKey) =>
        archiveKey is null ? store : new EncryptingBackupStore(store, archiveKey);

    /// <summary>Stores the encrypted archive; returns the bytes stored (header and tags included).</summary>
    public async Task<long> WriteAsync(string key, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var encrypted = new EncryptingReadStream(content, _key);
        return await _inner.WriteAsync(key, encrypted, ct);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct = default)
    {
        var stored = await _inner.OpenReadAsync(key, ct);
        var plain = new DecryptingReadStream(stored, _key, key);
        try
        {
            await plain.StartAsync(ct);
            return plain;
        }
        catch
        {
            await plain.DisposeAsync();
            throw;
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct = default) => _inner.DeleteAsync(key, ct);

    public Task<IReadOnlyList<StoredArchive>> ListAsync(string keyPrefix, CancellationToken ct = default) => _inner.ListAsync(keyPrefix, ct);

    public Task<int> RemovePartialWritesAsync(string keyStem, CancellationToken ct = default) => _inner.RemovePartialWritesAsync(keyStem, ct);
}
