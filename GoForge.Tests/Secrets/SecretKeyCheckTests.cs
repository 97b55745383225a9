using Dapper;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Crypto;
using GoForge.Tests.Harness;
using Npgsql;
using static GoForge.Tests.Secrets.SecretsTestData;

namespace GoForge.Tests.Secrets;

[Collection(PostgresCollection.Name)]
public sealed class SecretKeyCheckTests(PostgresFixture postgres)
{
    [Fact]
    public async Task First_start_stores_the_check_under_the_current_key_and_the_next_start_passes()
    {
        var key = NewKey();
        await using var host = await StartHostAsync(postgres, "keycheck_first", KeySettings(key));

        var check = await ReadCheckAsync(host.ConnectionString);
        Assert.NotNull(check);
        Assert.Equal(KeyIdOf(key), check.KeyId);
        Assert.Equal([KeyIdOf(key)], await ReadKnownKeyIdsAsync(host.ConnectionString));

        await VerifyWithAsync(host.ConnectionString, ConfiguredRing(key));
        Assert.Equal(check.Ciphertext, (await ReadCheckAsync(host.ConnectionString))!.Ciphertext);
    }

    [Fact]
    public async Task Different_configured_key_fails_the_start_up_check_naming_the_setting()
    {
        var key = NewKey();
        var other = NewKey();
        await using var host = await StartHostAsync(postgres, "keycheck_wrong", KeySettings(key));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => VerifyWithAsync(host.ConnectionString, ConfiguredRing(other)));

        Assert.Contains("The secret key does not fit this database", error.Message, StringComparison.Ordinal);
        Assert.Contains($"encrypted with key {KeyIdOf(key)}, which is not configured", error.Message, StringComparison.Ordinal);
        Assert.Contains("GoForge:SecretKey", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
        Assert.Equal([KeyIdOf(key)], await ReadKnownKeyIdsAsync(host.ConnectionString)); // nothing was registered for the wrong key
    }

    [Fact]
    public async Task Missing_key_file_fails_the_start_up_check_naming_the_new_file()
    {
        await using var host = await StartHostAsync(postgres, "keycheck_file");
        Assert.True(File.Exists(Path.Combine(host.DataPath, SecretKeyRing.KeyFileName)));
        var movedDataPath = Path.Combine(host.DataPath, "elsewhere");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => VerifyWithAsync(host.ConnectionString, FileRing(movedDataPath)));

        var newFile = Path.Combine(movedDataPath, SecretKeyRing.KeyFileName);
        Assert.Contains($"the key file {newFile}, which was missing and has just been created with a new key", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore the key file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_value_that_its_key_id_does_not_decrypt_fails_as_a_wrong_key_never_as_garbage()
    {
        await using var host = await StartHostAsync(postgres, "keycheck_tag");
        var other = NewKey();
        // The check row relabelled with the other key's id: the id matches, the key does not.
        await using (var conn = new NpgsqlConnection(host.ConnectionString))
        {
            await conn.ExecuteAsync(
                "INSERT INTO secret_key_ids (key_id, added_at) VALUES (@keyId, now()); UPDATE secret_key_check SET key_id = @keyId",
                new { keyId = KeyIdOf(other) });
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => VerifyWithAsync(host.ConnectionString, ConfiguredRing(other)));

        Assert.Contains("wrong key, or the value was moved or altered", error.Message, StringComparison.Ordinal);
        Assert.IsType<SecretUnprotectException>(error.InnerException);
    }

    [Fact]
    public async Task Values_under_a_key_no_longer_configured_fail_the_check_naming_that_key()
    {
        var current = NewKey();
        var old = NewKey();
        await using var host = await StartHostAsync(postgres, "keycheck_values", KeySettings(current, old));
        var application = await InsertApplicationAsync(host.ConnectionString);
        await InsertVariablesAsync(host.ConnectionString, application, Protector(ConfiguredRing(old)), 2);

        // The operator dropped the retired key before a rotation moved the values off it.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => VerifyWithAsync(host.ConnectionString, ConfiguredRing(current)));

        Assert.Contains($"Stored secrets were encrypted with key(s) {KeyIdOf(old)}, which are not configured", error.Message, StringComparison.Ordinal);
        Assert.Contains("GoForge:RetiredSecretKeys", error.Message, StringComparison.Ordinal);
        await VerifyWithAsync(host.ConnectionString, ConfiguredRing(current, old));
    }
}
