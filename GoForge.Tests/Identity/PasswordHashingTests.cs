using GoForge.Core.Identity;
using GoForge.Infrastructure.Crypto;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Identity;

public sealed class PasswordHashingTests
{
    private static Argon2PasswordHasher Hasher(int memoryKiB = 19456, int iterations = 2) =>
        new Argon2PasswordHasher(Options.Create(new PasswordHashingOptions { MemoryKiB = memoryKiB, Iterations = iterations }));

    [Fact]
    public void Hash_is_argon2id_with_at_least_OWASP_minimum_parameters_recorded()
    {
        var hash = Hasher().Hash("a long enough password");

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_password_hashes_differently_each_time_and_both_verify()
    {
        var hasher = Hasher();
        var first = hasher.Hash("same password here");
        var second = hasher.Hash("same password here");

        Assert.NotEqual(first, second);
        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(first, "same password here"));
        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(second, "same password here"));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(first, "same password herE"));
    }

    [Fact]
    public void Hash_made_with_weaker_parameters_than_configured_asks_for_a_rehash()
    {
        var old = Hasher().Hash("upgrade me please");

        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher(memoryKiB: 32768).Verify(old, "upgrade me please"));
        Assert.Equal(PasswordVerification.Failed, Hasher(memoryKiB: 32768).Verify(old, "wrong"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g")]
    public void Malformed_or_foreign_hashes_never_verify(string stored)
    {
        Assert.Equal(PasswordVerification.Failed, Hasher().Verify(stored, "plain-text-password"));
    }
}
