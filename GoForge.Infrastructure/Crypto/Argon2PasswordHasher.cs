using System.Globalization;
using System.Text.RegularExpressions;
using GoForge.Core.Identity;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Crypto;

/// <summary>Argon2id in the PHC string format (<c>$argon2id$v=19$m=..,t=..,p=..$salt$hash</c>), which records its own parameters.</summary>
internal sealed partial class Argon2PasswordHasher(IOptions<PasswordHashingOptions> options) : IPasswordHasher
{
    private const int HashLength = 32;

    public string Hash(string password)
    {
        var o = options.Value;
        return Argon2.Hash(password, o.Iterations, o.MemoryKiB, o.Parallelism, Argon2Type.HybridAddressing, HashLength);
    }

    public PasswordVerification Verify(string hash, string password)
    {
        var parameters = ParametersPattern().Match(hash);
        if (!parameters.Success || !Argon2.Verify(hash, password))
        {
            return PasswordVerification.Failed;
        }

        var o = options.Value;
        var weaker = Read(parameters, "m") < o.MemoryKiB || Read(parameters, "t") < o.Iterations || Read(parameters, "p") < o.Parallelism;
        return weaker ? PasswordVerification.SucceededRehashNeeded : PasswordVerification.Succeeded;
    }

    private static int Read(Match match, string group) => int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\$argon2id\$v=19\$m=(?<m>\d{1,9}),t=(?<t>\d{1,9}),p=(?<p>\d{1,3})\$", RegexOptions.CultureInvariant)]
    private static partial Regex ParametersPattern();
}
