using System.Security.Cryptography;
using System.Text;

namespace GoForge.Core.GitProviders;

/// <summary>
/// Each provider's proof that a delivery comes from it, checked in constant time: GitHub's
/// <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>, Gitea's <c>X-Gitea-Signature: &lt;hex HMAC&gt;</c>,
/// GitLab's <c>X-Gitlab-Token: &lt;the secret itself&gt;</c>. An empty secret never verifies.
/// </summary>
public static class WebhookSignature
{
    public const string GitHubHeader = "X-Hub-Signature-256";
    public const string GiteaHeader = "X-Gitea-Signature";
    public const string GitLabHeader = "X-Gitlab-Token";

    public static string HeaderOf(WebhookProvider provider) => provider switch
    {
        WebhookProvider.GitHub => GitHubHeader,
        WebhookProvider.Gitea => GiteaHeader,
        WebhookProvider.GitLab => GitLabHeader,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>True when <paramref name="presented"/> (the header's value) proves the body was sent by someone holding <paramref name="secret"/>.</summary>
    public static bool Verify(WebhookProvider provider, string secret, ReadOnlySpan<byte> body, string? presented)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(presented))
        {
            return false;
        }

        switch (provider)
        {
            case WebhookProvider.GitHub:
                const string prefix = "sha256=";
                return presented.StartsWith(prefix, StringComparison.Ordinal) && HexEquals(Mac(secret, body), presented.AsSpan(prefix.Length));
            case WebhookProvider.Gitea:
                return HexEquals(Mac(secret, body), presented);
            case WebhookProvider.GitLab:
                // Hashing both sides makes the comparison constant-time regardless of the lengths.
                return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
            default:
                return false;
        }
    }

    /// <summary>The value a provider would send for <paramref name="body"/> (used by tests and by the panel's "send a test delivery").</summary>
    public static string Sign(WebhookProvider provider, string secret, ReadOnlySpan<byte> body) => provider switch
    {
        WebhookProvider.GitHub => "sha256=" + Convert.ToHexStringLower(Mac(secret, body)),
        WebhookProvider.Gitea => Convert.ToHexStringLower(Mac(secret, body)),
        WebhookProvider.GitLab => secret,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    private static byte[] Mac(string secret, ReadOnlySpan<byte> body) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);

    private static bool HexEquals(byte[] expected, ReadOnlySpan<char> presentedHex)
    {
        if (presentedHex.Length != expected.Length * 2)
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[expected.Length];
        return Convert.FromHexString(presentedHex, presented, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == expected.Length
            && CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
