using System.Security.Cryptography;
using System.Text;
using GoForge.Core.Secrets;

namespace GoForge.Infrastructure.Crypto;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce per value. The stored blob is <c>nonce (12) | ciphertext | tag (16)</c>;
/// the associated data is <c>"goforge/secret/v1"</c> followed by the row id's 16 bytes in RFC 4122 (big-endian)
/// order, so a blob copied to another row, or altered in any byte, fails to decrypt instead of yielding garbage.
/// </summary>
internal sealed class AesGcmSecretProtector(SecretKeyRing ring) : ISecretProtector
{
    public const int NonceSize = 12;
    public const int TagSize = 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Purpose => "goforge/secret/v1"u8;

    public ProtectedValue Protect(string plaintext, Guid associatedId) => Protect(plaintext, associatedId, ring.Current);

    public string Unprotect(ProtectedValue value, Guid associatedId)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!ring.TryGet(value.KeyId, out var key))
        {
            throw new SecretUnprotectException(
                $"The secret in row {associatedId} was encrypted with key {value.KeyId}, which is not configured (the current key is {ring.CurrentKeyId}).");
        }

        var blob = value.Ciphertext;
        if (blob is null || blob.Length < NonceSize + TagSize)
        {
            throw new SecretUnprotectException(
                $"The secret in row {associatedId} cannot be decrypted: it is too short to be a ciphertext, so it was altered.");
        }

        var length = blob.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        Span<byte> associatedData = stackalloc byte[Purpose.Length + 16];
        WriteAssociatedData(associatedData, associatedId);
        try
        {
            using var aes = new AesGcm(key.Bytes, TagSize);
            aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize, length), blob.AsSpan(NonceSize + length), plaintext, associatedData);
            return StrictUtf8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new SecretUnprotectException(
                $"The secret in row {associatedId} cannot be decrypted with key {key.Id}: wrong key, or the value was moved or altered.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Encrypts under a given key; a rotation uses it to write under the key it installed.</summary>
    internal static ProtectedValue Protect(string plaintext, Guid associatedId, SecretKey key)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var input = StrictUtf8.GetBytes(plaintext);
        var blob = new byte[NonceSize + input.Length + TagSize];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> associatedData = stackalloc byte[Purpose.Length + 16];
        WriteAssociatedData(associatedData, associatedId);
        try
        {
            using var aes = new AesGcm(key.Bytes, TagSize);
            aes.Encrypt(nonce, input, blob.AsSpan(NonceSize, input.Length), blob.AsSpan(NonceSize + input.Length), associatedData);
            return new ProtectedValue(key.Id, blob);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private static void WriteAssociatedData(Span<byte> destination, Guid associatedId)
    {
        Purpose.CopyTo(destination);
        if (!associatedId.TryWriteBytes(destination[Purpose.Length..], bigEndian: true, out _))
        {
            throw new InvalidOperationException("The associated-data buffer is too small.");
        }
    }
}
