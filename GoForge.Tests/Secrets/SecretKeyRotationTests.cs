using System.Runtime.Versioning;
using Dapper;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Crypto;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static GoForge.Tests.Secrets.SecretsTestData;

namespace GoForge.Tests.Secrets;

// Key files are protected by Unix file modes; GoForge runs on Linux.
[UnsupportedOSPlatform("windows")]
[Collection(PostgresCollection.Name)]
public sealed class SecretKeyRotationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Rotation_re_encrypts_every_value_under_a_new_key_and_drops_the_old_key_from_the_file()
    {
        await using var host = await StartHostAsync(postgres, "rotate_file");
        var ring = host.Get<SecretKeyRing>();
        var oldKeyId = ring.CurrentKeyId;
        var application = await InsertApplicationAsync(host.ConnectionString);
        var values = await InsertVariablesAsync(host.ConnectionString, application, host.Get<ISecretProtector>(), 7);
        var before = await ReadVariablesAsync(host.ConnectionString);

        var report = await Rotator(host, batchSize: 3).RotateAsync(); // batches of 3, 3 and 1

        Assert.NotEqual(oldKeyId, report.NewKeyId);
        Assert.Equal(report.NewKeyId, ring.CurrentKeyId);
        Assert.Equal(7, report.ValuesReencrypted);
        Assert.Equal([oldKeyId], report.RetiredKeyIds);
        await AssertAllUnderAsync(host, report.NewKeyId, values, before);
        Assert.Equal(report.NewKeyId, KeyIdOf(Assert.Single(File.ReadAllLines(KeyFile(host.DataPath)))));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile(host.DataPath)));
        Assert.Equal(report.NewKeyId, (await ReadCheckAsync(host.ConnectionString))!.KeyId);
        Assert.Equal([report.NewKeyId], await ReadKnownKeyIdsAsync(host.ConnectionString));

        // A restart reads the rewritten file: the check passes and every value decrypts.
        var restarted = FileRing(host.DataPath);
        await VerifyWithAsync(host.ConnectionString, restarted);
        var stored = await ReadVariablesAsync(host.ConnectionString);
        Assert.All(values, v => Assert.Equal(v.Value, Protector(restarted).Unprotect(stored[v.Key], v.Key)));
    }

    [Fact]
    public async Task Rotation_with_configured_keys_moves_every_value_to_the_configured_key()
    {
        var current = NewKey();
        var old = NewKey();
        await using var host = await StartHostAsync(postgres, "rotate_config", KeySettings(current, old));
        var application = await InsertApplicationAsync(host.ConnectionString);
        var values = await InsertVariablesAsync(host.ConnectionString, application, Protector(ConfiguredRing(old)), 4, "OLD");
        var untouched = await InsertVariablesAsync(host.ConnectionString, application, host.Get<ISecretProtector>(), 3, "NEW");
        var before = await ReadVariablesAsync(host.ConnectionString);

        var report = await host.Get<ISecretKeyRotator>().RotateAsync();

        Assert.Equal(KeyIdOf(current), report.NewKeyId);
        Assert.Equal(4, report.ValuesReencrypted);
        Assert.Equal([KeyIdOf(old)], report.RetiredKeyIds); // now safe to remove from GoForge:RetiredSecretKeys
        await AssertAllUnderAsync(host, KeyIdOf(current), values, before);
        var after = await ReadVariablesAsync(host.ConnectionString);
        Assert.All(untouched.Keys, id => Assert.Equal(before[id].Ciphertext, after[id].Ciphertext));
        Assert.Equal([KeyIdOf(current)], await ReadKnownKeyIdsAsync(host.ConnectionString));
        await VerifyWithAsync(host.ConnectionString, ConfiguredRing(current)); // the operator removed the retired key
    }

    [Fact]
    public async Task Rotation_after_an_interrupted_one_finishes_with_values_on_both_keys()
    {
        // What an interrupted rotation leaves: the file lists the new key and the old one, and values are on both.
        var dataPath = Directory.CreateTempSubdirectory("goforge-interrupted-").FullName;
        try
        {
            var interrupted = NewKey();
            var original = NewKey();
            File.WriteAllText(KeyFile(dataPath), $"{interrupted}\n{original}\n");
            File.SetUnixFileMode(KeyFile(dataPath), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await using var host = await StartHostAsync(postgres, "rotate_resume", new Dictionary<string, string?> { ["GoForge:DataPath"] = dataPath });
            var application = await InsertApplicationAsync(host.ConnectionString);
            var values = await InsertVariablesAsync(host.ConnectionString, application, Protector(ConfiguredRing(original)), 5, "ORIGINAL");
            foreach (var (id, value) in await InsertVariablesAsync(host.ConnectionString, application, host.Get<ISecretProtector>(), 5, "MOVED"))
            {
                values[id] = value;
            }

            var before = await ReadVariablesAsync(host.ConnectionString);

            var report = await Rotator(host, batchSize: 2).RotateAsync();

            Assert.Equal(10, report.ValuesReencrypted);
            Assert.Equal([KeyIdOf(interrupted), KeyIdOf(original)], report.RetiredKeyIds);
            await AssertAllUnderAsync(host, report.NewKeyId, values, before);
            Assert.Equal(report.NewKeyId, KeyIdOf(Assert.Single(File.ReadAllLines(KeyFile(dataPath)))));
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    [Fact]
    public async Task Rotation_stopped_midway_leaves_every_value_decryptable_and_a_second_run_finishes()
    {
        await using var host = await StartHostAsync(postgres, "rotate_crash");
        var firstKeyId = host.Get<SecretKeyRing>().CurrentKeyId;
        var application = await InsertApplicationAsync(host.ConnectionString);
        var values = await InsertVariablesAsync(host.ConnectionString, application, host.Get<ISecretProtector>(), 10);
        using var crash = new CancellationTokenSource();
        var rotator = Rotator(host, batchSize: 4, new OnEvent(1211, crash.Cancel)); // stops right after its first batch

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rotator.RotateAsync(crash.Token));

        var halfway = await ReadVariablesAsync(host.ConnectionString);
        var secondKeyId = host.Get<SecretKeyRing>().CurrentKeyId;
        Assert.Equal(4, halfway.Values.Count(v => v.KeyId == secondKeyId));
        Assert.Equal(6, halfway.Values.Count(v => v.KeyId == firstKeyId));
        Assert.Equal([secondKeyId, firstKeyId], File.ReadAllLines(KeyFile(host.DataPath)).Select(KeyIdOf));
        var restarted = FileRing(host.DataPath);
        await VerifyWithAsync(host.ConnectionString, restarted);
        Assert.All(values, v => Assert.Equal(v.Value, Protector(restarted).Unprotect(halfway[v.Key], v.Key)));

        var report = await host.Get<ISecretKeyRotator>().RotateAsync();

        Assert.Equal(10, report.ValuesReencrypted);
        Assert.Equal([secondKeyId, firstKeyId], report.RetiredKeyIds);
        await AssertAllUnderAsync(host, report.NewKeyId, values, halfway);
        Assert.Equal(report.NewKeyId, KeyIdOf(Assert.Single(File.ReadAllLines(KeyFile(host.DataPath)))));
    }

    [Fact]
    public async Task Reads_while_a_rotation_runs_always_decrypt()
    {
        await using var host = await StartHostAsync(postgres, "rotate_reads");
        var application = await InsertApplicationAsync(host.ConnectionString);
        var values = await InsertVariablesAsync(host.ConnectionString, application, host.Get<ISecretProtector>(), 40);
        var protector = host.Get<ISecretProtector>();
        using var rotated = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var reads = 0;
            do
            {
                foreach (var (id, value) in await ReadVariablesAsync(host.ConnectionString))
                {
                    Assert.Equal(values[id], protector.Unprotect(value, id));
                }

                reads++;
            }
            while (!rotated.IsCancellationRequested);
            return reads;
        })).ToList();

        var report = await Rotator(host, batchSize: 5).RotateAsync();
        await rotated.CancelAsync();
        var reads = await Task.WhenAll(readers);

        Assert.Equal(40, report.ValuesReencrypted);
        Assert.All(reads, count => Assert.True(count > 0));
    }

    [Fact]
    public async Task Value_encrypted_under_a_dropped_key_cannot_be_stored()
    {
        await using var host = await StartHostAsync(postgres, "rotate_stale");
        var application = await InsertApplicationAsync(host.ConnectionString);
        var id = Guid.NewGuid();
        var inFlight = host.Get<ISecretProtector>().Protect("encrypted before the rotation, stored after it", id);

        await host.Get<ISecretKeyRotator>().RotateAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(
            () => InsertVariableAsync(host.ConnectionString, application, id, "LATE", inFlight, registerKeyId: false));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
    }

    [Fact]
    public async Task Second_rotation_while_one_holds_the_lock_is_refused()
    {
        await using var host = await StartHostAsync(postgres, "rotate_lock");
        var keyId = host.Get<SecretKeyRing>().CurrentKeyId;
        await using var other = new NpgsqlConnection(host.ConnectionString);
        await other.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key = SecretKeyRotator.RotationLockKey });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Get<ISecretKeyRotator>().RotateAsync());

        Assert.Contains("Another secret key rotation is running", error.Message, StringComparison.Ordinal);
        Assert.Equal(keyId, host.Get<SecretKeyRing>().CurrentKeyId);
    }

    [Fact]
    public async Task Every_column_keyed_by_a_secret_key_id_is_rotated()
    {
        // A new table with an encrypted value references secret_key_ids; if it is not in EncryptedColumns, a
        // rotation would leave it under the old key and then fail to drop that key.
        const string sql = """
            SELECT src.relname || '.' || a.attname
            FROM pg_constraint c
            JOIN pg_class src ON src.oid = c.conrelid
            JOIN pg_class dst ON dst.oid = c.confrelid
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.contype = 'f' AND dst.relname = 'secret_key_ids' AND src.relname <> 'secret_key_check'
            ORDER BY 1
            """;
        await using var host = await StartHostAsync(postgres, "rotate_columns");
        await using var conn = new NpgsqlConnection(host.ConnectionString);

        var keyed = (await conn.QueryAsync<string>(sql)).ToList();

        Assert.Equal(keyed, SecretKeyTables.EncryptedColumns.Select(c => $"{c.Table}.{c.KeyIdColumn}").Order(StringComparer.Ordinal));
    }

    private static string KeyFile(string dataPath) => Path.Combine(dataPath, SecretKeyRing.KeyFileName);

    private static SecretKeyRotator Rotator(TestHost host, int batchSize, ILogger<SecretKeyRotator>? logger = null) =>
        new(host.Get<NpgsqlDataSource>(), host.Get<SecretKeyRing>(), host.Get<ISecretProtector>(), TimeProvider.System, logger ?? NullLogger<SecretKeyRotator>.Instance)
        {
            BatchSize = batchSize,
        };

    /// <summary>Every value is under <paramref name="keyId"/>, its stored bytes changed, and it decrypts to what was stored.</summary>
    private static async Task AssertAllUnderAsync(TestHost host, string keyId, Dictionary<Guid, string> values, Dictionary<Guid, ProtectedValue> before)
    {
        var after = await ReadVariablesAsync(host.ConnectionString);
        var protector = host.Get<ISecretProtector>();
        foreach (var (id, plaintext) in values)
        {
            Assert.Equal(keyId, after[id].KeyId);
            Assert.NotEqual(before[id].Ciphertext, after[id].Ciphertext);
            Assert.Equal(plaintext, protector.Unprotect(after[id], id));
        }
    }

    /// <summary>Runs <paramref name="action"/> when the rotator logs the event <paramref name="eventId"/>.</summary>
    private sealed class OnEvent(int eventId, Action action) : ILogger<SecretKeyRotator>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (id.Id == eventId)
            {
                action();
            }
        }
    }
}
