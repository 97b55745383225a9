namespace GoForge.Core.Secrets;

/// <summary>A value encrypted at rest, with the id of the key that encrypted it.</summary>
public sealed record ProtectedValue(string KeyId, byte[] Ciphertext);

/// <summary>
/// Encrypts secrets for storage (AES-256-GCM). The associated id (the row's id) is bound into the
/// ciphertext, so a value copied to another row does not decrypt. Used only at the repository boundary.
/// </summary>
public interface ISecretProtector
{
    ProtectedValue Protect(string plaintext, Guid associatedId);

    /// <summary>Decrypts; throws <see cref="SecretUnprotectException"/> with a clear reason when the key is missing or wrong, or the data was altered.</summary>
    string Unprotect(ProtectedValue value, Guid associatedId);
}

public sealed class SecretUnprotectException : Exception
{
    public SecretUnprotectException(string message)
        : base(message)
    {
    }

    public SecretUnprotectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SecretUnprotectException()
    {
    }
}

/// <summary>What a key rotation did.</summary>
public sealed record SecretKeyRotationReport(string NewKeyId, int ValuesReencrypted, IReadOnlyList<string> RetiredKeyIds);

/// <summary>Re-encrypts every stored secret under a new key; old keys keep decrypting until it finishes.</summary>
public interface ISecretKeyRotator
{
    Task<SecretKeyRotationReport> RotateAsync(CancellationToken ct = default);
}
