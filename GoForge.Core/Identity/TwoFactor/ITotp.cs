namespace GoForge.Core.Identity.TwoFactor;

/// <summary>
/// RFC 6238 time-based one-time passwords (SHA-1, 6 digits, 30-second steps: what authenticator apps expect). A port,
/// so Core names no cryptography package; Infrastructure implements it with Otp.NET.
/// </summary>
public interface ITotp
{
    /// <summary>A new random secret (160 bits), Base32 as authenticator apps take it.</summary>
    string NewSecret();

    /// <summary>
    /// The time step whose code <paramref name="code"/> is, within one step either side of <paramref name="now"/> (clock
    /// drift); null when it matches none.
    /// </summary>
    long? MatchStep(string secret, string code, DateTimeOffset now);
}
