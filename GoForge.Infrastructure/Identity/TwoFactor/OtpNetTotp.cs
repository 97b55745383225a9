using GoForge.Core.Identity.TwoFactor;
using OtpNet;

namespace GoForge.Infrastructure.Identity.TwoFactor;

/// <summary>RFC 6238 through Otp.NET: SHA-1, 6 digits, 30-second steps, one step of drift either side.</summary>
internal sealed class OtpNetTotp : ITotp
{
    private static readonly VerificationWindow Drift = new(previous: 1, future: 1);

    public string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    public long? MatchStep(string secret, string code, DateTimeOffset now)
    {
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, Drift) ? step : null;
    }
}
