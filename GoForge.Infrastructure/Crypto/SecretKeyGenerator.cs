namespace GoForge.Infrastructure.Crypto;

/// <summary>A new master key as <c>GoForge:SecretKey</c> takes it (base64 of 32 random bytes), and its id.</summary>
public sealed record GeneratedSecretKey(string Base64, string KeyId);

public static class SecretKeyGenerator
{
    public static GeneratedSecretKey Generate()
    {
        var key = SecretKey.Generate();
        return new GeneratedSecretKey(key.ToBase64(), key.Id);
    }
}
