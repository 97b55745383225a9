using System.Security.Cryptography;
using System.Text;

namespace GoForge.Core.Identity.ApiTokens;

/// <summary>
/// The token's wire form, <c>gf_</c> and 32 random bytes in base64url, and the hash stored in its place. The token
/// carries 256 bits of entropy, so a plain SHA-256 cannot be brute-forced and lets a request be authenticated by one
/// indexed lookup; Argon2 would only add cost to every request (docs/decisions/api-tokens.md).
/// </summary>
public static class ApiTokenFormat
{
    public const string Prefix = "gf_";

    public const int RandomBytes = 32;

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>43 base64url characters without padding, after the prefix.</summary>
    public static readonly int Length = Prefix.Length + 43;

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>True when <paramref name="value"/> has the token's shape (prefix, length, alphabet); says nothing about validity.</summary>
    public static bool LooksLikeToken(string? value) =>
        value is not null
        && value.Length == Length
        && value.StartsWith(Prefix, StringComparison.Ordinal)
        && value.AsSpan(Prefix.Length).IndexOfAnyExcept(Base64UrlAlphabet) < 0;

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
