using GoForge.Core.Backups;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>
/// Reads an encrypted archive (<see cref="ArchiveCipher"/>) from <paramref name="inner"/> as its plaintext, one record
/// at a time. A record that is not authentic (altered, reordered, from another archive, or under another key; bytes
/// appended to the file join the short final record and make it so), or a file that ends before its final chunk, fail
/// the read with a <see cref="BackupStoreException"/>.
/// Disposes <paramref name="inner"/>.
/// </summary>
internal sealed class DecryptingReadStream(Stream inner, byte[] key, string archive) : ReadOnlyStream
{
    private ArchiveCipher? _cipher;
    private byte[] _record = [];
    private byte[] _plain = [];
    private int _plainLength;
    private int _plainPosition;
    private uint _index;
    private bool _finalOpened;

    /// <summary>Reads the header and opens the first chunk, so a wrong key or a foreign file fails at once.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var header = new byte[ArchiveCipher.HeaderBytes];
        var read = await FillAsync(inner, header, ct);
        _cipher = ArchiveCipher.ForStoredArchive(key, header.AsSpan(0, read), archive);
        _record = new byte[_cipher.ChunkBytes + ArchiveCipher.TagBytes];
        _plain = new byte[_cipher.ChunkBytes];
        await OpenNextAsync(ct);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_cipher is null)
        {
            await StartAsync(cancellationToken);
        }

        while (_plainPosition == _plainLength)
        {
            if (_finalOpened)
            {
                return 0;
            }

            await OpenNextAsync(cancellationToken);
        }

        return CopyOut(_plain, ref _plainPosition, _plainLength, buffer.Span);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cipher?.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task OpenNextAsync(CancellationToken ct)
    {
        var cipher = _cipher!;
        var read = await FillAsync(inner, _record, ct);
        if (read < ArchiveCipher.TagBytes)
        {
            throw new BackupStoreException($"The archive {archive} is truncated: it ends before its final chunk.");
        }

        // Only the last record is shorter than a full one.
        var final = read < _record.Length;
        if (!cipher.TryOpen(_index, final, _record.AsSpan(0, read), _plain))
        {
            throw new BackupStoreException(_index == 0
                ? $"The archive {archive} could not be decrypted: the key is wrong, or the archive was altered."
                : $"The archive {archive} could not be decrypted at chunk {_index}: it was altered or truncated.");
        }

        _index++;
        _plainLength = read - ArchiveCipher.TagBytes;
        _plainPosition = 0;
        _finalOpened = final;
    }
}
