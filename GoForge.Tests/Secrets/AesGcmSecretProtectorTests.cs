using GoForge.Core.Secrets;
using static GoForge.Tests.Secrets.SecretsTestData;

namespace GoForge.Tests.Secrets;

public sealed class AesGcmSecretProtectorTests
{
    private readonly string _key = NewKey();

    [Theory]
    [InlineData("")]
    [InlineData("hunter2")]
    [InlineData("postgres://user:p@ss@db:5432/app?sslmode=require")]
    [InlineData("multi\nline\r\nvalue with unicode: ключ 🔑 and a NUL \0 inside")]
    public void Protected_value_round_trips_to_the_same_text(string plaintext)
    {
        var protector = Protector(ConfiguredRing(_key));
        var id = Guid.NewGuid();

        var value = protector.Protect(plaintext, id);

        Assert.Equal(KeyIdOf(_key), value.KeyId);
        Assert.Equal(plaintext, protector.Unprotect(value, id));
    }

    [Fact]
    public void Blob_is_nonce_ciphertext_and_tag_with_no_plaintext_in_it()
    {
        var protector = Protector(ConfiguredRing(_key));
        const string plaintext = "plain text that must not show";

        var value = protector.Protect(plaintext, Guid.NewGuid());

        Assert.Equal(12 + plaintext.Length + 16, value.Ciphertext.Length);
        Assert.DoesNotContain("plain text", System.Text.Encoding.UTF8.GetString(value.Ciphertext), StringComparison.Ordinal);
    }

    [Fact]
    public void Same_plaintext_twice_gives_different_ciphertexts()
    {
        var protector = Protector(ConfiguredRing(_key));
        var id = Guid.NewGuid();

        var first = protector.Protect("same value", id);
        var second = protector.Protect("same value", id);

        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
        Assert.NotEqual(first.Ciphertext[..12], second.Ciphertext[..12]);
        Assert.Equal("same value", protector.Unprotect(second, id));
    }

    [Fact]
    public void Ciphertext_moved_to_another_row_does_not_decrypt()
    {
        var protector = Protector(ConfiguredRing(_key));
        var value = protector.Protect("belongs to row one", Guid.NewGuid());
        var otherRow = Guid.NewGuid();

        var error = Assert.Throws<SecretUnprotectException>(() => protector.Unprotect(value, otherRow));

        Assert.Contains("wrong key, or the value was moved or altered", error.Message, StringComparison.Ordinal);
        Assert.Contains(otherRow.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)] // nonce
    [InlineData(12)] // first ciphertext byte
    [InlineData(-1)] // last tag byte
    public void Any_altered_byte_fails_to_decrypt(int position)
    {
        var protector = Protector(ConfiguredRing(_key));
        var id = Guid.NewGuid();
        var value = protector.Protect("do not touch", id);
        var altered = (byte[])value.Ciphertext.Clone();
        altered[position < 0 ? altered.Length + position : position] ^= 0x01;

        var error = Assert.Throws<SecretUnprotectException>(() => protector.Unprotect(value with { Ciphertext = altered }, id));

        Assert.Contains("wrong key, or the value was moved or altered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_blob_fails_to_decrypt()
    {
        var protector = Protector(ConfiguredRing(_key));
        var id = Guid.NewGuid();
        var value = protector.Protect("x", id);

        Assert.Throws<SecretUnprotectException>(() => protector.Unprotect(value with { Ciphertext = value.Ciphertext[..27] }, id));
        Assert.Throws<SecretUnprotectException>(() => protector.Unprotect(value with { Ciphertext = value.Ciphertext[..^1] }, id));
        Assert.Throws<SecretUnprotectException>(() => protector.Unprotect(value with { Ciphertext = [] }, id));
    }

    [Fact]
    public void Wrong_key_fails_with_a_clear_message_and_never_returns_garbage()
    {
        var other = NewKey();
        var id = Guid.NewGuid();
        var value = Protector(ConfiguredRing(_key)).Protect("encrypted under the first key", id);
        // The other key under the first key's id: as if the key file had been swapped for another one.
        var relabelled = value with { KeyId = KeyIdOf(other) };

        var error = Assert.Throws<SecretUnprotectException>(() => Protector(ConfiguredRing(other)).Unprotect(relabelled, id));

        Assert.Contains($"cannot be decrypted with key {KeyIdOf(other)}: wrong key, or the value was moved or altered", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_key_id_fails_naming_the_missing_key()
    {
        var id = Guid.NewGuid();
        var value = Protector(ConfiguredRing(NewKey())).Protect("under a key nobody configured", id);
        var protector = Protector(ConfiguredRing(_key));

        var error = Assert.Throws<SecretUnprotectException>(() => protector.Unprotect(value, id));

        Assert.Contains($"encrypted with key {value.KeyId}, which is not configured", error.Message, StringComparison.Ordinal);
        Assert.Contains(KeyIdOf(_key), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retired_keys_decrypt_and_new_values_use_the_current_key()
    {
        var old = NewKey();
        var id = Guid.NewGuid();
        var oldValue = Protector(ConfiguredRing(old)).Protect("written before the key changed", id);
        var protector = Protector(ConfiguredRing(_key, old));

        Assert.Equal("written before the key changed", protector.Unprotect(oldValue, id));
        Assert.Equal(KeyIdOf(_key), protector.Protect("new", id).KeyId);
    }

    [Fact]
    public void Key_id_is_a_hash_prefix_and_not_the_key()
    {
        var ring = ConfiguredRing(_key);

        Assert.Matches("^[0-9a-f]{16}$", ring.CurrentKeyId);
        Assert.Equal(KeyIdOf(_key), ring.CurrentKeyId);
        Assert.DoesNotContain(ring.CurrentKeyId, Convert.ToHexStringLower(Convert.FromBase64String(_key)), StringComparison.Ordinal);
    }
}
