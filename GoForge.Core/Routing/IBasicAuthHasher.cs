namespace GoForge.Core.Routing;

/// <summary>
/// Hashes basic-auth passwords into a form the proxy checks by itself (bcrypt, <c>$2y$</c>, which Traefik's
/// basicauth accepts). Separate from <see cref="Identity.IPasswordHasher"/>: these hashes leave GoForge, in labels.
/// </summary>
public interface IBasicAuthHasher
{
    string Hash(string password);

    bool Verify(string hash, string password);
}
