using System.Runtime.Versioning;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Crypto;
using GoForge.Infrastructure.Persistence;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Cli;
using static GoForge.Tests.Secrets.SecretsTestData;

namespace GoForge.Tests.Cli;

[UnsupportedOSPlatform("windows")]
[Collection(PostgresCollection.Name)]
public sealed class CliMigrateAndKeysTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("goforge-cli-").FullName;

    public void Dispose() => Directory.Delete(_dataPath, recursive: true);

    [Fact]
    public async Task Migrate_on_an_empty_database_applies_every_script_and_a_second_run_has_nothing_to_do()
    {
        var cli = new CliRunner(await postgres.CreateDatabaseAsync("cli_migrate"), _dataPath);

        var dry = await cli.RunAsync("migrate", "--dry-run");
        var first = await cli.RunAsync("migrate");
        var second = await cli.RunAsync("migrate");

        Assert.True(first.ExitCode == ExitCodes.Ok, first.ToString());
        Assert.Contains("0001_initial_schema.sql", dry.Out, StringComparison.Ordinal);
        Assert.Contains("Applied ", first.Out, StringComparison.Ordinal);
        Assert.Contains("0001_initial_schema.sql", first.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, second.ExitCode);
        Assert.Equal("The database is up to date.", second.Out.Trim());
        // migrate runs no key check: it must not write a check value under a key the panel may not have.
        Assert.False(File.Exists(Path.Combine(_dataPath, SecretKeyRing.KeyFileName)));
    }

    [Fact]
    public async Task Verbs_that_need_data_refuse_a_database_that_was_never_migrated_and_say_to_migrate()
    {
        var cli = new CliRunner(await postgres.CreateDatabaseAsync("cli_unmigrated"), _dataPath);

        var run = await cli.RunAsync("user", "list");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("run `migrate` first", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_generate_prints_only_a_fresh_base64_key_of_32_bytes_on_stdout_and_its_id_on_stderr()
    {
        var cli = new CliRunner("Host=unused", _dataPath);

        var first = await cli.RunAsync("keys", "generate");
        var second = await cli.RunAsync("keys", "generate");

        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        var key = first.Out.Trim();
        Assert.Single(first.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(32, Convert.FromBase64String(key).Length);
        Assert.NotEqual(key, second.Out.Trim());
        Assert.Contains(KeyIdOf(key), first.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, first.Error, StringComparison.Ordinal);
        // The printed key is one the configuration accepts.
        Assert.True(new SecretKeyOptionsValidator().Validate(null, new SecretKeyOptions { SecretKey = key }).Succeeded);
    }

    [Fact]
    public async Task Keys_rotate_with_the_key_file_re_encrypts_every_secret_and_a_restarted_panel_still_reads_them()
    {
        Dictionary<string, string> values;
        Guid appId;
        string connectionString;
        string oldKeyId;
        await using (var host = await TestHost.StartAsync(postgres, "cli_rotate", new Dictionary<string, string?> { ["GoForge:DataPath"] = _dataPath }))
        {
            (var app, values) = await CliSecretsSeed.SeedAsync(host);
            appId = app.Id;
            connectionString = host.ConnectionString;
            oldKeyId = host.Get<SecretKeyRing>().CurrentKeyId;
        }

        var run = await new CliRunner(connectionString, _dataPath).RunAsync("keys", "rotate");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("value(s) re-encrypted", run.Out, StringComparison.Ordinal);
        Assert.Contains($"retired key(s): {oldKeyId}", run.Out, StringComparison.Ordinal);
        await using var restarted = await TestHost.StartOnAsync(connectionString, new Dictionary<string, string?> { ["GoForge:DataPath"] = _dataPath });
        Assert.NotEqual(oldKeyId, restarted.Get<SecretKeyRing>().CurrentKeyId);
        Assert.Equal(values, await CliSecretsSeed.RevealAllAsync(restarted, appId));
    }

    [Fact]
    public async Task Keys_rotate_with_configured_keys_moves_every_secret_to_the_new_configured_key()
    {
        var oldKey = NewKey();
        var newKey = NewKey();
        Dictionary<string, string> values;
        Guid appId;
        string connectionString;
        await using (var host = await TestHost.StartAsync(postgres, "cli_rotate_cfg", KeySettings(oldKey)))
        {
            (var app, values) = await CliSecretsSeed.SeedAsync(host);
            appId = app.Id;
            connectionString = host.ConnectionString;
        }

        var run = await new CliRunner(connectionString, _dataPath, KeySettings(newKey, oldKey)).RunAsync("keys", "rotate");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains($"New key {KeyIdOf(newKey)}", run.Out, StringComparison.Ordinal);
        await using var restarted = await TestHost.StartOnAsync(connectionString, KeySettings(newKey));
        Assert.Equal(values, await CliSecretsSeed.RevealAllAsync(restarted, appId));
    }

    [Fact]
    public async Task Keys_rotate_with_a_key_that_does_not_fit_the_database_stops_before_touching_anything()
    {
        string connectionString;
        await using (var host = await TestHost.StartAsync(postgres, "cli_rotate_wrong", KeySettings(NewKey())))
        {
            await CliSecretsSeed.SeedAsync(host);
            connectionString = host.ConnectionString;
        }

        var run = await new CliRunner(connectionString, _dataPath, KeySettings(NewKey())).RunAsync("keys", "rotate");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("does not fit this database", run.Error, StringComparison.Ordinal);
    }
}
