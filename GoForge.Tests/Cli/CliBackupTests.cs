using System.Runtime.Versioning;
using GoForge.Core.Identity;
using GoForge.Core.Secrets;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Cli;
using static GoForge.Tests.Secrets.SecretsTestData;

namespace GoForge.Tests.Cli;

[UnsupportedOSPlatform("windows")]
[Collection(PostgresCollection.Name)]
public sealed class CliBackupTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("goforge-backup-").FullName;
    private readonly Dictionary<string, string?> _keys = KeySettings(NewKey());
    private TestHost _source = null!;
    private Guid _appId;
    private Dictionary<string, string> _values = null!;

    public async Task InitializeAsync()
    {
        _source = await TestHost.StartAsync(postgres, "cli_backup_src", _keys);
        (var app, _values) = await CliSecretsSeed.SeedAsync(_source);
        _appId = app.Id;
        await TestUsers.CreateAsync(_source, UserRole.Admin, login: "keeper");
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Backup_then_restore_into_an_empty_database_gives_an_app_that_reads_every_secret_with_the_same_key()
    {
        var file = Path.Combine(_folder, "goforge.dump");
        var before = await CliSecretsSeed.DecryptEverythingAsync(_source.ConnectionString, _source.Get<ISecretProtector>());
        var target = await postgres.CreateDatabaseAsync("cli_backup_dst");

        var backup = await Cli(_source.ConnectionString).RunAsync("backup", "--output", file);
        var restore = await Cli(target).RunAsync("restore", "--input", file);

        Assert.True(backup.ExitCode == ExitCodes.Ok, backup.ToString());
        Assert.True(restore.ExitCode == ExitCodes.Ok, restore.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Empty(Directory.GetFiles(_folder, "*.partial"));
        await using var restored = await TestHost.StartOnAsync(target, _keys);
        Assert.Equal(_values, await CliSecretsSeed.RevealAllAsync(restored, _appId));
        Assert.NotEmpty(before);
        Assert.Equal(before, await CliSecretsSeed.DecryptEverythingAsync(target, restored.Get<ISecretProtector>()));
        Assert.NotNull(await restored.Get<IUserRepository>().GetByLoginAsync("keeper"));
    }

    [Fact]
    public async Task The_dump_holds_secrets_encrypted_never_in_plain_text()
    {
        var file = Path.Combine(_folder, "plain-check.dump");

        var backup = await Cli(_source.ConnectionString).RunAsync("backup", "-o", file);

        Assert.True(backup.ExitCode == ExitCodes.Ok, backup.ToString());
        var bytes = await File.ReadAllBytesAsync(file);
        foreach (var secret in _values.Where(v => v.Key != "PLAIN").Select(v => System.Text.Encoding.UTF8.GetBytes(v.Value)))
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(secret));
        }
    }

    [Fact]
    public async Task Restore_into_a_database_that_is_not_empty_is_refused_and_changes_nothing_unless_forced()
    {
        var file = Path.Combine(_folder, "refuse.dump");
        Assert.Equal(ExitCodes.Ok, (await Cli(_source.ConnectionString).RunAsync("backup", "--output", file)).ExitCode);
        await using var other = await TestHost.StartAsync(postgres, "cli_backup_busy", _keys);
        await TestUsers.CreateAsync(other, login: "resident");

        var refused = await Cli(other.ConnectionString).RunAsync("restore", "--input", file);

        Assert.Equal(ExitCodes.Failed, refused.ExitCode);
        Assert.Contains("not empty", refused.Error, StringComparison.Ordinal);
        Assert.NotNull(await other.Get<IUserRepository>().GetByLoginAsync("resident"));
        Assert.Null(await other.Get<IUserRepository>().GetByLoginAsync("keeper"));

        var forced = await Cli(other.ConnectionString).RunAsync("restore", "--input", file, "--force");

        Assert.True(forced.ExitCode == ExitCodes.Ok, forced.ToString());
        await using var replaced = await TestHost.StartOnAsync(other.ConnectionString, _keys);
        Assert.Null(await replaced.Get<IUserRepository>().GetByLoginAsync("resident"));
        Assert.Equal(_values, await CliSecretsSeed.RevealAllAsync(replaced, _appId));
    }

    [Fact]
    public async Task Restore_with_another_key_restores_but_fails_loudly_naming_the_key_problem()
    {
        var file = Path.Combine(_folder, "other-key.dump");
        Assert.Equal(ExitCodes.Ok, (await Cli(_source.ConnectionString).RunAsync("backup", "--output", file)).ExitCode);

        var restore = await new CliRunner(await postgres.CreateDatabaseAsync("cli_backup_key"), _folder, KeySettings(NewKey())).RunAsync("restore", "--input", file);

        Assert.Equal(ExitCodes.Failed, restore.ExitCode);
        Assert.Contains("does not fit this database", restore.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("out; rm -rf ~ $(touch pwned) `id` | cat > x.dump")]
    [InlineData("sub/../back up ünïcødé 🚀.dump")]
    [InlineData("-rf.dump")]
    [InlineData("--force")]
    [InlineData("'quoted' \"double\" & * ? [x].dump")]
    public async Task Hostile_output_paths_are_one_literal_file_and_nothing_else_is_created(string name)
    {
        Directory.CreateDirectory(Path.Combine(_folder, "sub"));
        var before = Directory.GetFileSystemEntries(_folder, "*", SearchOption.AllDirectories).ToHashSet();
        var expected = Path.GetFullPath(Path.Combine(_folder, name));

        var backup = await Cli(_source.ConnectionString).RunAsync("backup", $"--output={Path.Combine(_folder, name)}");

        Assert.True(backup.ExitCode == ExitCodes.Ok, backup.ToString());
        Assert.True(File.Exists(expected), expected);
        var created = Directory.GetFileSystemEntries(_folder, "*", SearchOption.AllDirectories).Except(before).ToList();
        Assert.Equal([expected], created);
        Assert.True(new FileInfo(expected).Length > 0);
    }

    [Fact]
    public async Task An_existing_file_is_not_overwritten_without_force_and_missing_or_empty_paths_have_their_codes()
    {
        var file = Path.Combine(_folder, "exists.dump");
        await File.WriteAllTextAsync(file, "keep me");

        var refused = await Cli(_source.ConnectionString).RunAsync("backup", "--output", file);
        var noFolder = await Cli(_source.ConnectionString).RunAsync("backup", "--output", Path.Combine(_folder, "missing", "x.dump"));
        var noInput = await Cli(_source.ConnectionString).RunAsync("restore", "--input", Path.Combine(_folder, "missing.dump"));
        var folder = await Cli(_source.ConnectionString).RunAsync("backup", "--output", _folder);
        var noValue = await Cli(_source.ConnectionString).RunAsync("backup", "--output");

        Assert.Equal(ExitCodes.Failed, refused.ExitCode);
        Assert.Equal("keep me", await File.ReadAllTextAsync(file));
        Assert.Equal(ExitCodes.NotFound, noFolder.ExitCode);
        Assert.Equal(ExitCodes.NotFound, noInput.ExitCode);
        Assert.Equal(ExitCodes.Usage, folder.ExitCode);
        Assert.Equal(ExitCodes.Usage, noValue.ExitCode);

        var forced = await Cli(_source.ConnectionString).RunAsync("backup", "--output", file, "--force");
        Assert.True(forced.ExitCode == ExitCodes.Ok, forced.ToString());
        Assert.NotEqual("keep me", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_pg_dump_that_cannot_be_found_is_a_clear_failure_naming_the_setting()
    {
        var settings = new Dictionary<string, string?>(_keys) { ["GoForge:Backup:PostgresBinPath"] = Path.Combine(_folder, "no-bin") };

        var run = await new CliRunner(_source.ConnectionString, _folder, settings).RunAsync("backup", "--output", Path.Combine(_folder, "x.dump"));

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("GoForge:Backup:PostgresBinPath", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "x.dump")));
    }

    private CliRunner Cli(string connectionString) => new(connectionString, _folder, _keys);
}
