using System.Security.Cryptography;
using System.Text;
using GoForge.Core.Deployments;
using Org.BouncyCastle.Crypto.Parameters;

namespace GoForge.Infrastructure.Git;

/// <summary>
/// Ed25519 deploy keys in OpenSSH's own formats, so the public line pastes into any Git host and the private key
/// loads in SSH.NET and ssh alike. The seed and check ints come from the OS's cryptographic RNG; BouncyCastle (already
/// there for SSH.NET) derives the public key, as the BCL has no Ed25519.
/// </summary>
internal sealed class Ed25519DeployKeyGenerator : IDeployKeyGenerator
{
    private const string KeyType = "ssh-ed25519";
    private const int BlockSize = 8; // the "none" cipher's block size, which the private section is padded to

    public DeployKeyPair Generate(string comment)
    {
        ArgumentNullException.ThrowIfNull(comment);
        // The comment ends a one-line public key and sits in the key file: a line break would split the line.
        if (comment.Any(char.IsControl))
        {
            throw new ArgumentException("A key comment may not contain control characters.", nameof(comment));
        }

        var seed = RandomNumberGenerator.GetBytes(32);
        try
        {
            var publicKey = new Ed25519PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded();
            var blob = new SshWireWriter().String(KeyType).String(publicKey).ToArray();
            var publicLine = $"{KeyType} {Convert.ToBase64String(blob)}{(comment.Length == 0 ? "" : " " + comment)}";
            return new DeployKeyPair(publicLine, PrivateKeyFile(seed, publicKey, blob, comment), Fingerprint(blob));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>"SHA256:" and the unpadded base64 of the blob's SHA-256, as ssh-keygen -l prints it.</summary>
    internal static string Fingerprint(ReadOnlySpan<byte> publicKeyBlob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(publicKeyBlob)).TrimEnd('=');

    /// <summary>openssh-key-v1 (OpenSSH's PROTOCOL.key), unencrypted: cipher and KDF "none", one key.</summary>
    private static string PrivateKeyFile(byte[] seed, byte[] publicKey, byte[] publicBlob, string comment)
    {
        var commentLength = Encoding.UTF8.GetByteCount(comment);
        var section = new SshWireWriter(160 + commentLength);
        var file = new SshWireWriter(160 + publicBlob.Length + 160 + commentLength);
        // OpenSSH's private key is the seed followed by the public key.
        var secret = new byte[64];
        try
        {
            seed.CopyTo(secret, 0);
            publicKey.CopyTo(secret, 32);

            // Two equal random check ints let a reader tell a wrong passphrase from a right one; with no cipher they
            // only have to match.
            var check = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
            section.UInt32(check).UInt32(check).String(KeyType).String(publicKey).String(secret).String(comment);
            for (byte pad = 1; section.Length % BlockSize != 0; pad++)
            {
                section.Raw([pad]);
            }

            file.Raw("openssh-key-v1\0"u8).String("none").String("none").String(ReadOnlySpan<byte>.Empty).UInt32(1)
                .String(publicBlob).String(section.Written);
            return Armor(file.Written);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            section.Clear();
            file.Clear();
        }
    }

    private static string Armor(ReadOnlySpan<byte> body)
    {
        // ssh-keygen wraps the base64 at 70 characters.
        var base64 = Convert.ToBase64String(body);
        var text = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n", base64.Length + 80 + (base64.Length / 70));
        for (var i = 0; i < base64.Length; i += 70)
        {
            text.Append(base64.AsSpan(i, Math.Min(70, base64.Length - i))).Append('\n');
        }

        return text.Append("-----END OPENSSH PRIVATE KEY-----\n").ToString();
    }
}
