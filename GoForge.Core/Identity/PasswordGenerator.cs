using System.Security.Cryptography;

namespace GoForge.Core.Identity;

/// <summary>Makes a password for an account created without one (the CLI prints it once); it passes <see cref="UserInputRules"/>.</summary>
public static class PasswordGenerator
{
    /// <summary>160 random bits: far beyond guessing, short enough to type.</summary>
    private const int RandomBytes = 20;

    public static string Generate() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));
}
