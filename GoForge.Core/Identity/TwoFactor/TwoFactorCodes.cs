using System.Security.Cryptography;
using System.Text;

namespace GoForge.Core.Identity.TwoFactor;

/// <summary>
/// Recovery codes and typed codes. A recovery code is 16 Base32 characters (80 random bits) shown as four groups; it is
/// stored as SHA-256 over the user id and the code. Its entropy makes a slow hash needless (like API tokens), and the user
/// id in the hash makes one table of guesses useless for another user.
/// </summary>
public static class TwoFactorCodes
{
    public const int RecoveryCodeCount = 10;
    public const int MaxInputLength = 64;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static IReadOnlyList<string> NewRecoveryCodes()
    {
        var codes = new List<string>(RecoveryCodeCount);
        for (var i = 0; i < RecoveryCodeCount; i++)
        {
            var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 16);
            codes.Add($"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}-{new string(chars, 12, 4)}".ToLowerInvariant());
        }

        return codes;
    }

    /// <summary>The stored hash of a recovery code as typed (case, spaces and dashes do not matter).</summary>
    public static byte[] HashRecoveryCode(Guid userId, string code) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{userId:N}:{NormalizeRecoveryCode(code)}"));

    public static string NormalizeRecoveryCode(string code) =>
        new(code.Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant).ToArray());

    /// <summary>A typed value that looks like a TOTP code: six digits once spaces are removed.</summary>
    public static bool LooksLikeTotp(string input, out string digits)
    {
        digits = new string(input.Where(c => c != ' ').ToArray());
        return digits.Length == 6 && digits.All(char.IsAsciiDigit);
    }

    /// <summary>An <c>otpauth://</c> URI that authenticator apps read from the QR code.</summary>
    public static string ProvisioningUri(string issuer, string login, string secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(login)}?secret={secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period=30";
}
