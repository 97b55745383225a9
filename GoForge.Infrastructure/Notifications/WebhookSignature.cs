using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GoForge.Infrastructure.Notifications;

/// <summary>
/// The generic webhook's signature: <c>sha256=</c> and the lower-case hex HMAC-SHA256, keyed with the channel's
/// signing secret (UTF-8), of <c>{timestamp}.{raw body}</c>, where the timestamp is the <c>X-GoForge-Timestamp</c>
/// header (Unix seconds). Receivers recompute it, compare in constant time and refuse old timestamps (replays).
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-GoForge-Signature";
    public const string TimestampHeader = "X-GoForge-Timestamp";
    public const string EventHeader = "X-GoForge-Event";
    public const string DeliveryHeader = "X-GoForge-Delivery";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>What a receiver does: the signature matches (constant time) and the timestamp is within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) || signatureHeader is null
            || (now - DateTimeOffset.FromUnixTimeSeconds(timestamp)).Duration() > tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signatureHeader));
    }
}
