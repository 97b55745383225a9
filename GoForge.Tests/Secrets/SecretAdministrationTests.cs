using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Crypto;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using static GoForge.Tests.Secrets.SecretsTestData;

namespace GoForge.Tests.Secrets;

[Collection(PostgresCollection.Name)]
public sealed class SecretAdministrationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await StartHostAsync(postgres, "secretadmin");
        _admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private SecretAdministration Secrets => _host.Get<SecretAdministration>();

    [Fact]
    public async Task Members_cannot_rotate_the_key()
    {
        var member = Actor.From(await TestUsers.CreateAsync(_host));
        var keyId = _host.Get<SecretKeyRing>().CurrentKeyId;

        var result = await Secrets.RotateKeyAsync(member);

        Assert.Equal(ErrorKind.Forbidden, result.Error!.Kind);
        Assert.Equal(keyId, _host.Get<SecretKeyRing>().CurrentKeyId);
        Assert.DoesNotContain(await _host.Get<IAuditLog>().ListRecentAsync(50), e => e.Action == AuditActions.SecretKeyRotated);
    }

    [Fact]
    public async Task Admin_rotation_is_audited_with_key_ids_and_counts_only()
    {
        var oldKeyId = _host.Get<SecretKeyRing>().CurrentKeyId;
        var application = await InsertApplicationAsync(_host.ConnectionString);
        var values = await InsertVariablesAsync(_host.ConnectionString, application, _host.Get<ISecretProtector>(), 2);

        var result = await Secrets.RotateKeyAsync(_admin);

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(2, result.Value.ValuesReencrypted);
        var recorded = Assert.Single(await _host.Get<IAuditLog>().ListRecentAsync(50), e => e.Action == AuditActions.SecretKeyRotated);
        Assert.Equal(_admin.UserId, recorded.ActorUserId);
        Assert.Equal($"key:{result.Value.NewKeyId}", recorded.Target);
        Assert.Equal($"2 value(s) re-encrypted; retired key(s): {oldKeyId}", recorded.Detail);
        var keyFileText = await File.ReadAllTextAsync(Path.Combine(_host.DataPath, SecretKeyRing.KeyFileName));
        Assert.DoesNotContain(keyFileText.Trim(), recorded.Detail, StringComparison.Ordinal);
        Assert.All(values.Values, v => Assert.DoesNotContain(v, recorded.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Value_that_does_not_decrypt_stops_the_rotation_and_no_key_is_dropped()
    {
        var firstKeyId = _host.Get<SecretKeyRing>().CurrentKeyId;
        var application = await InsertApplicationAsync(_host.ConnectionString);
        var protector = _host.Get<ISecretProtector>();
        var values = await InsertVariablesAsync(_host.ConnectionString, application, protector, 3);
        var damagedId = Guid.NewGuid();
        var damaged = protector.Protect("will be damaged", damagedId);
        damaged.Ciphertext[^1] ^= 0xff;
        await InsertVariableAsync(_host.ConnectionString, application, damagedId, "DAMAGED", damaged);

        var result = await Secrets.RotateKeyAsync(_admin);

        Assert.Equal(ErrorKind.Conflict, result.Error!.Kind);
        Assert.Contains($"row {damagedId}", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("wrong key, or the value was moved or altered", result.Error.Message, StringComparison.Ordinal);
        var ring = _host.Get<SecretKeyRing>();
        Assert.Contains(firstKeyId, ring.RetiredKeyIds);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_host.DataPath, SecretKeyRing.KeyFileName)).Length);
        var stored = await ReadVariablesAsync(_host.ConnectionString);
        var restarted = Protector(FileRing(_host.DataPath));
        Assert.All(values, v => Assert.Equal(v.Value, restarted.Unprotect(stored[v.Key], v.Key)));
        Assert.DoesNotContain(await _host.Get<IAuditLog>().ListRecentAsync(50), e => e.Action == AuditActions.SecretKeyRotated);
    }
}
