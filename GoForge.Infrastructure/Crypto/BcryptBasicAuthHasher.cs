using GoForge.Core.Routing;

namespace GoForge.Infrastructure.Crypto;

/// <summary>
/// bcrypt in the <c>$2y$</c> form that <c>htpasswd -B</c> writes and Traefik's basicauth reads. Not Argon2id like
/// GoForge's own passwords: the proxy checks these, and bcrypt is what it understands.
/// </summary>
internal sealed class BcryptBasicAuthHasher : IBasicAuthHasher
{
    // The proxy verifies the hash on every request: cost 10 (~50 ms) keeps that bearable while slowing guessing.
    private const int WorkFactor = 10;

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(WorkFactor, 'y'));

    public bool Verify(string hash, string password) => BCrypt.Net.BCrypt.Verify(password, hash);
}
