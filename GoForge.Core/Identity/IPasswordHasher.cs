namespace GoForge.Core.Identity;

public enum PasswordVerification
{
    Failed,
    Succeeded,

    /// <summary>The password is right but the hash was made with weaker parameters than today's: hash it again.</summary>
    SucceededRehashNeeded,
}

/// <summary>Hashes passwords into self-describing strings that record their parameters.</summary>
public interface IPasswordHasher
{
    string Hash(string password);

    PasswordVerification Verify(string hash, string password);
}
