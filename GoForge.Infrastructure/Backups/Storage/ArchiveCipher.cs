using System.Buffers.Binary;
using System.Security.Cryptography;
using GoForge.Core.Backups;

namespace GoForge.Infrastructure.Backups.Storage;

/// <summary>
/// GoForge's encrypted archive format, version 1 (docs/decisions/backup-storage.md gives it in full):
/// <code>
/// header  = "GFBACKUP" (8 bytes ASCII) || version 0x01 || chunk size (uint32 big-endian) || nonce prefix (7 random bytes)
/// record  = AES-256-GCM(key, nonce_i, plaintext_i, aad_i) ciphertext || 16-byte tag
/// nonce_i = nonce prefix || i (uint32 big-endian) || final (0x01 for the last chunk, else 0x00)
/// aad_i   = header (20 bytes) || i (uint32 big-endian) || final
/// </code>
/// Every chunk holds exactly chunk-size bytes of plaintext except the last, which holds fewer (possibly none), so a
/// record of full size is never the last one: a file cut at a record boundary lacks its final chunk and is refused.
/// </summary>
internal sealed class ArchiveCipher : IDisposable
{
    public const int KeyBytes = 32;
    public const int HeaderBytes = 20;
    public const int TagBytes = 16;
    public const byte Version = 1;

    /// <summary>The chunk size GoForge writes.</summary>
    public const int DefaultChunkBytes = 64 * 1024;

    /// <summary>The largest chunk size a reader accepts from a header (bounds its memory).</summary>
    public const int MaxChunkBytes = 16 * 1024 * 1024;

    private const int NoncePrefixBytes = 7;

    private static ReadOnlySpan<byte> Magic => "GFBACKUP"u8;

    private readonly AesGcm _aes;
    private readonly byte[] _header;

    private ArchiveCipher(byte[] key, byte[] header, int chunkBytes)
    {
        _aes = new AesGcm(key, TagBytes);
        _header = header;
        ChunkBytes = chunkBytes;
    }

    public int ChunkBytes { get; }

    /// <summary>The 20-byte header that starts the archive.</summary>
    public ReadOnlySpan<byte> Header => _header;

    /// <summary>A cipher for a new archive, with a fresh random nonce prefix.</summary>
    public static ArchiveCipher ForNewArchive(byte[] key, int chunkBytes = DefaultChunkBytes)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        header[8] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(9, 4), (uint)chunkBytes);
        RandomNumberGenerator.Fill(header.AsSpan(13, NoncePrefixBytes));
        return new ArchiveCipher(key, header, chunkBytes);
    }

    /// <summary>A cipher for an archive that starts with <paramref name="header"/>; refuses what GoForge did not write.</summary>
    public static ArchiveCipher ForStoredArchive(byte[] key, ReadOnlySpan<byte> header, string archive)
    {
        if (header.Length < HeaderBytes || !header[..Magic.Length].SequenceEqual(Magic))
        {
            throw new BackupStoreException($"The archive {archive} is not an archive encrypted by GoForge (its header is missing or wrong).");
        }

        if (header[8] != Version)
        {
            throw new BackupStoreException($"The archive {archive} is encrypted with format version {header[8]}, which this GoForge does not read.");
        }

        var chunkBytes = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(9, 4));
        if (chunkBytes is 0 or > MaxChunkBytes)
        {
            throw new BackupStoreException($"The archive {archive} has an invalid chunk size in its header.");
        }

        return new ArchiveCipher(key, header[..HeaderBytes].ToArray(), (int)chunkBytes);
    }

    /// <summary>Encrypts chunk <paramref name="index"/> into <paramref name="record"/> (ciphertext then tag); returns the record's length.</summary>
    public int Seal(uint index, bool final, ReadOnlySpan<byte> plaintext, Span<byte> record)
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> aad = stackalloc byte[HeaderBytes + 5];
        Derive(index, final, nonce, aad);
        _aes.Encrypt(nonce, plaintext, record[..plaintext.Length], record.Slice(plaintext.Length, TagBytes), aad);
        return plaintext.Length + TagBytes;
    }

    /// <summary>Decrypts and checks one record into <paramref name="plaintext"/>; false when it is not authentic.</summary>
    public bool TryOpen(uint index, bool final, ReadOnlySpan<byte> record, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> aad = stackalloc byte[HeaderBytes + 5];
        Derive(index, final, nonce, aad);
        var length = record.Length - TagBytes;
        try
        {
            _aes.Decrypt(nonce, record[..length], record[length..], plaintext[..length], aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose() => _aes.Dispose();

    private void Derive(uint index, bool final, Span<byte> nonce, Span<byte> aad)
    {
        _header.AsSpan(13, NoncePrefixBytes).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(NoncePrefixBytes, 4), index);
        nonce[11] = final ? (byte)1 : (byte)0;
        _header.CopyTo(aad);
        nonce.Slice(NoncePrefixBytes, 5).CopyTo(aad[HeaderBytes..]);
    }
}
