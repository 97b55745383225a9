using OtpNet;

namespace GoForge.Tests.Identity.TwoFactor;

/// <summary>Codes as an authenticator app computes them from the secret the UI shows, with Otp.NET.</summary>
internal static class TotpCodes
{
    /// <summary>The code of the current time step, or of a step <paramref name="stepsAhead"/> later (within the accepted drift: 0 or 1).</summary>
    public static string Now(string secret, int stepsAhead = 0) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * stepsAhead));
}
