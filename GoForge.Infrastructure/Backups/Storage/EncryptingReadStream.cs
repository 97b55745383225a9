namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>
/// Reads a source stream as an encrypted archive (<see cref="ArchiveCipher"/>): the header, then one record per
/// chunk, encrypted as it is read, holding one chunk in memory. The source is not disposed with it.
/// </summary>
internal sealed class EncryptingReadStream : ReadOnlyStream
{
    private readonly Stream _source;
    private readonly ArchiveCipher _cipher;
    private readonly byte[] _plain;
    private readonly byte[] _record;
    private int _recordLength;
    private int _recordPosition;
    private uint _index;
    private bool _finalSealed;

    public EncryptingReadStream(Stream source, byte[] key)
    {
        _source = source;
        _cipher = ArchiveCipher.ForNewArchive(key);
        _plain = new byte[_cipher.ChunkBytes];
        _record = new byte[_cipher.ChunkBytes + ArchiveCipher.TagBytes];

        // The header is the first thing read.
        _cipher.Header.CopyTo(_record);
        _recordLength = ArchiveCipher.HeaderBytes;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_recordPosition == _recordLength)
        {
            if (_finalSealed)
            {
                return 0;
            }

            var read = await FillAsync(_source, _plain, cancellationToken);
            var final = read < _cipher.ChunkBytes;
            if (_index == uint.MaxValue && !final)
            {
                throw new IOException("The archive is too large for the encrypted format (2^32 chunks).");
            }

            _recordLength = _cipher.Seal(_index++, final, _plain.AsSpan(0, read), _record);
            _recordPosition = 0;
            _finalSealed = final;
        }

        return CopyOut(_record, ref _recordPosition, _recordLength, buffer.Span);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cipher.Dispose();
        }

        base.Dispose(disposing);
    }
}
