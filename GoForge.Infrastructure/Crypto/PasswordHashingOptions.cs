using System.ComponentModel.DataAnnotations;

namespace GoForge.Infrastructure.Crypto;

/// <summary>
/// Argon2id parameters for new hashes (section <c>GoForge:PasswordHashing</c>). Defaults are OWASP's
/// minimum; raising them makes older hashes get re-hashed at the next successful sign-in.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string SectionName = "GoForge:PasswordHashing";

    /// <summary>Memory in KiB. Default 19456 (19 MiB), the least allowed.</summary>
    [Range(19456, 4194304)]
    public int MemoryKiB { get; set; } = 19456;

    /// <summary>Passes over memory. Default 2, the least allowed.</summary>
    [Range(2, 100)]
    public int Iterations { get; set; } = 2;

    /// <summary>Lanes. Default 1.</summary>
    [Range(1, 16)]
    public int Parallelism { get; set; } = 1;
}
