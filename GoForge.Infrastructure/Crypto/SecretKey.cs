using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace GoForge.Infrastructure.Crypto;

/// <summary>
/// One AES-256 key and its id: the first 16 hex digits of the key's SHA-256, so an operator can tell which key
/// a value needs (<c>base64 -d | sha256sum | cut -c1-16</c>) without the id revealing the key.
/// </summary>
internal sealed class SecretKey
{
    public const int Size = 32;

    private const int MaxBase64Length = 256;

    private readonly byte[] _bytes;

    private SecretKey(byte[] bytes)
    {
        _bytes = bytes;
        Id = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
    }

    public string Id { get; }

    public ReadOnlySpan<byte> Bytes => _bytes;

    public static SecretKey Generate() => new(RandomNumberGenerator.GetBytes(Size));

    /// <summary>Reads a base64 key; <paramref name="problem"/> completes a sentence that starts with the key's name, and never contains the key.</summary>
    public static bool TryParse(string base64, [NotNullWhen(true)] out SecretKey? key, [NotNullWhen(false)] out string? problem)
    {
        key = null;
        var text = base64.Trim();
        if (text.Length == 0)
        {
            problem = "is empty.";
            return false;
        }

        if (text.Length > MaxBase64Length)
        {
            problem = $"is too long to be a key: it must be base64 of exactly {Size} bytes (make one with `openssl rand -base64 32`).";
            return false;
        }

        var buffer = new byte[text.Length];
        try
        {
            if (!Convert.TryFromBase64String(text, buffer, out var written))
            {
                problem = "is not valid base64.";
                return false;
            }

            if (written != Size)
            {
                problem = $"must be base64 of exactly {Size} bytes, but it decodes to {written} bytes (make one with `openssl rand -base64 32`).";
                return false;
            }

            key = new SecretKey(buffer[..Size]);
            problem = null;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    public string ToBase64() => Convert.ToBase64String(_bytes);

    /// <summary>The id only: a key must never reach a log or a message.</summary>
    public override string ToString() => $"key {Id}";
}
