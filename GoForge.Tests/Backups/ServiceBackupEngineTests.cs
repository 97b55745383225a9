using Docker.DotNet.Models;
using GoForge.Core.Backups;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Backups;

/// <summary>
/// The database engines of issue 22 on real servers in real containers (the local test images of PostgreSQL 17,
/// MariaDB and Redis, started from the shipped templates): a backup into a file, data changed and dropped, a restore
/// from the file, and the fingerprint and the rows are back. The tools run inside the container through Docker's exec,
/// with the credentials in the exec's environment only.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ServiceBackupEngineTests(DockerFixture docker) : IDisposable
{
    private const string HostilePassword = "'; rm -rf / #$(x)";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("goforge-engine-backups-");

    [Fact]
    public async Task Postgres_restore_brings_back_dropped_and_changed_rows_and_the_fingerprint_matches()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        await using var db = await CatalogDatabase.StartAsync(docker, "postgresql", LocalImages.PostgresAsync, ct);
        await PsqlAsync(db, """"
            CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g;
            CREATE SCHEMA "Odd ""Schema""";
            CREATE TABLE "Odd ""Schema""".":-) table" (v int);
            INSERT INTO "Odd ""Schema""".":-) table" VALUES (1), (2), (3);
            CREATE ROLE reporting LOGIN PASSWORD 'reporting-secret';
            GRANT SELECT ON items TO reporting;
            """", ct);
        var before = await db.Engine.FingerprintAsync(db.Target, ct);
        var archive = await BackupToFileAsync(db, ct);

        await PsqlAsync(db, """"
            UPDATE items SET name = 'changed' WHERE id <= 10;
            DELETE FROM items WHERE id > 400;
            DROP SCHEMA "Odd ""Schema""" CASCADE;
            """", ct);
        Assert.NotEmpty((await db.Engine.FingerprintAsync(db.Target, ct)).DifferencesFrom(before));
        await RestoreFromFileAsync(db, archive, ct);

        var after = await db.Engine.FingerprintAsync(db.Target, ct);
        Assert.Equal(500, before.Counts["public.items"]);
        Assert.Equal(3, before.Counts["\"Odd \"\"Schema\"\"\".\":-) table\""]);
        Assert.Empty(after.DifferencesFrom(before));
        Assert.Equal("item 7", (await PsqlAsync(db, "SELECT name FROM items WHERE id = 7", ct)).Trim());
        // The roles came back beside the data, and the service's own password is still the one the panel holds.
        Assert.Equal("t", (await PsqlAsync(db, "SELECT has_table_privilege('reporting', 'items', 'SELECT')", ct)).Trim());
    }

    [Fact]
    public async Task Postgres_password_with_shell_metacharacters_backs_up_and_never_appears_in_an_exec_argument_list()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        await using var db = await CatalogDatabase.StartAsync(docker, "postgresql", LocalImages.PostgresAsync, ct, new Dictionary<string, string> { ["password"] = HostilePassword }, render: false);
        // Larger than one archive part, so parts are written while pg_dump still runs and its exec can be inspected.
        await PsqlAsync(db, "CREATE TABLE t (v text); INSERT INTO t SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 300000);", ct);

        var spy = new RunningExecSpy(docker.Client, db.ContainerId);
        await db.Engine.BackupAsync(db.Target, spy, ct);

        Assert.Equal(300000, (await db.Engine.FingerprintAsync(db.Target, ct)).Counts["public.t"]);
        Assert.True(spy.Length > 4 * 1024 * 1024, $"{spy.Length} bytes");
        Assert.Contains(spy.ArgumentLists, argv => argv[0] == "pg_dump");
        Assert.All(spy.ArgumentLists, argv => Assert.DoesNotContain(argv, part => part.Contains(HostilePassword, StringComparison.Ordinal) || part.Contains("rm -rf", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Postgres_with_a_wrong_password_fails_with_the_tools_error_and_without_the_password()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        await using var db = await CatalogDatabase.StartAsync(docker, "postgresql", LocalImages.PostgresAsync, ct);

        var failure = await Assert.ThrowsAsync<BackupEngineException>(() => db.Engine.BackupAsync(db.With("password", "not-the-password"), Stream.Null, ct));

        Assert.Contains("password authentication failed", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MariaDb_restore_brings_back_dropped_and_changed_rows_and_the_fingerprint_matches()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        await using var db = await CatalogDatabase.StartAsync(docker, "mariadb", LocalImages.MariaDbAsync, ct);
        await MariaDbAsync(db, """
            CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL) ENGINE=InnoDB;
            INSERT INTO items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_300;
            CREATE TABLE `odd ``name``` (v INT) ENGINE=InnoDB;
            INSERT INTO `odd ``name``` VALUES (1), (2);
            CREATE TABLE empty_one (v INT) ENGINE=InnoDB;
            """, ct);
        var before = await db.Engine.FingerprintAsync(db.Target, ct);
        var archive = await BackupToFileAsync(db, ct);

        await MariaDbAsync(db, "UPDATE items SET name = 'changed'; DELETE FROM items WHERE id > 100; DROP TABLE `odd ``name```;", ct);
        Assert.NotEmpty((await db.Engine.FingerprintAsync(db.Target, ct)).DifferencesFrom(before));
        await RestoreFromFileAsync(db, archive, ct);

        var after = await db.Engine.FingerprintAsync(db.Target, ct);
        Assert.Equal(300, before.Counts["items"]);
        Assert.Equal(2, before.Counts["odd `name`"]);
        Assert.Equal(0, before.Counts["empty_one"]);
        Assert.Empty(after.DifferencesFrom(before));
        Assert.Equal("item 42", (await MariaDbAsync(db, "SELECT name FROM items WHERE id = 42", ct)).Trim());
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("valkey")]
    public async Task Redis_and_valkey_restore_replaces_the_keys_in_place_and_the_fingerprint_matches(string templateId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        await using var db = await CatalogDatabase.StartAsync(docker, templateId, templateId == "redis" ? LocalImages.RedisAsync : LocalImages.ValkeyAsync, ct);
        await RedisAsync(db, ct, "MSET", "a", "1", "b", "2", "c", "3");
        await RedisAsync(db, ct, "-n", "2", "SET", "other-db", "kept");
        var before = await db.Engine.FingerprintAsync(db.Target, ct);
        var archive = await BackupToFileAsync(db, ct);

        await RedisAsync(db, ct, "FLUSHALL");
        await RedisAsync(db, ct, "SET", "after-the-backup", "x");
        await RestoreFromFileAsync(db, archive, ct);

        var after = await db.Engine.FingerprintAsync(db.Target, ct);
        Assert.Equal(3, before.Counts["db0"]);
        Assert.Equal(1, before.Counts["db2"]);
        Assert.Empty(after.DifferencesFrom(before));
        Assert.Equal("2", (await RedisAsync(db, ct, "GET", "b")).Trim());
        Assert.Equal("master", (await RedisAsync(db, ct, "ROLE")).Split('\n')[0].Trim());
        // Writable again: the service is no longer anyone's replica.
        await RedisAsync(db, ct, "SET", "written-after-the-restore", "y");
    }

    [Fact]
    public async Task A_redis_restore_cut_off_by_a_killed_panel_is_undone_at_the_next_start_and_the_service_takes_writes_again()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        await using var db = await CatalogDatabase.StartAsync(docker, "redis", LocalImages.RedisAsync, ct);
        await RedisAsync(db, ct, "SET", "a", "1");
        var archive = await BackupToFileAsync(db, ct);

        // What a panel killed in the middle of RedisReplicaRestore leaves: the archive in a folder named for the
        // throwaway server's port, that server running, and the service replicating it (so refusing writes).
        const string Port = "23456";
        var folder = (await db.RunAsync(["mktemp", "-d", $"/tmp/goforge-restore-{Port}-XXXXXX"], NoEnvironment, ct)).Trim();
        await using (var file = File.OpenRead(archive))
        {
            Assert.Equal(0, (await db.Exec.RunAsync(new ContainerExecRequest(db.ContainerId, ["dd", $"of={folder}/dump.rdb"], NoEnvironment, StandardInput: file), ct)).ExitCode);
        }

        await db.RunAsync(["redis-server", "--bind", "127.0.0.1", "--port", Port, "--dir", folder, "--dbfilename", "dump.rdb", "--daemonize", "yes",
            "--pidfile", folder + "/server.pid", "--save", "", "--appendonly", "no"], NoEnvironment, ct);
        await Wait.UntilAsync(async () => await ThrowawayAnswersAsync(db, Port, ct), "the throwaway server answering");
        await RedisAsync(db, ct, "REPLICAOF", "127.0.0.1", Port);
        await Wait.UntilAsync(async () => (await RedisAsync(db, ct, "INFO", "replication")).Contains("master_link_status:up", StringComparison.Ordinal), "the service replicating");
        var refused = await TryAsync(db, ["redis-cli", "-e", "SET", "b", "2"], new Dictionary<string, string> { ["REDISCLI_AUTH"] = db.Target.Inputs["password"] }, ct);
        Assert.Contains("READONLY", refused.Output, StringComparison.Ordinal);
        // A folder of another shape is not the restore's: it stays.
        await db.RunAsync(["mkdir", "/tmp/goforge-restore-not-a-port"], NoEnvironment, ct);

        var undone = await db.Engine.RecoverInterruptedRestoreAsync(db.Target, ct);

        Assert.Equal(3, undone.Count);
        Assert.Equal("master", (await RedisAsync(db, ct, "ROLE")).Split('\n')[0].Trim());
        await RedisAsync(db, ct, "SET", "written-after-the-recovery", "y");
        Assert.False(await ThrowawayAnswersAsync(db, Port, ct), "the throwaway server still answers");
        var left = await db.RunAsync(["find", "/tmp", "-maxdepth", "1", "-name", "goforge-restore-*"], NoEnvironment, ct);
        Assert.Equal(["/tmp/goforge-restore-not-a-port"], left.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // Run again, it finds nothing more to undo.
        Assert.Empty(await db.Engine.RecoverInterruptedRestoreAsync(db.Target, ct));
    }

    [Fact]
    public async Task Redis_with_a_wrong_password_fails_with_the_servers_error()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = timeout.Token;
        await using var db = await CatalogDatabase.StartAsync(docker, "redis", LocalImages.RedisAsync, ct);

        var failure = await Assert.ThrowsAsync<BackupEngineException>(() => db.Engine.BackupAsync(db.With("password", "not-the-password"), Stream.Null, ct));

        Assert.Contains("WRONGPASS", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private async Task<string> BackupToFileAsync(CatalogDatabase db, CancellationToken ct)
    {
        var path = Path.Combine(_folder.FullName, Guid.NewGuid().ToString("N") + db.Engine.ArchiveExtension);
        await using (var file = File.Create(path))
        {
            await db.Engine.BackupAsync(db.Target, file, ct);
        }

        return path;
    }

    private static async Task RestoreFromFileAsync(CatalogDatabase db, string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        await db.Engine.RestoreAsync(db.Target, file, ct);
    }

    private static Task<string> PsqlAsync(CatalogDatabase db, string sql, CancellationToken ct) =>
        db.RunAsync(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"], new Dictionary<string, string>
        {
            ["PGUSER"] = db.Target.Inputs["user"],
            ["PGPASSWORD"] = db.Target.Inputs["password"],
            ["PGDATABASE"] = db.Target.Inputs["db"],
        }, ct, sql);

    private static Task<string> MariaDbAsync(CatalogDatabase db, string sql, CancellationToken ct) =>
        db.RunAsync(["mariadb", "--protocol=TCP", "-h", "127.0.0.1", "-u", db.Target.Inputs["user"], "--batch", "--skip-column-names", db.Target.Inputs["db"]],
            new Dictionary<string, string> { ["MYSQL_PWD"] = db.Target.Inputs["password"] }, ct, sql);

    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    private static async Task<bool> ThrowawayAnswersAsync(CatalogDatabase db, string port, CancellationToken ct)
    {
        var ping = await TryAsync(db, ["redis-cli", "-e", "-p", port, "PING"], NoEnvironment, ct);
        return ping.ExitCode == 0 && ping.Output.Trim() == "PONG";
    }

    /// <summary>A command whose failure is an expected answer: its exit code and its output and error together.</summary>
    private static async Task<(long ExitCode, string Output)> TryAsync(CatalogDatabase db, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        using var output = new MemoryStream();
        var result = await db.Exec.RunAsync(new ContainerExecRequest(db.ContainerId, command, environment, StandardOutput: output), ct);
        return (result.ExitCode, System.Text.Encoding.UTF8.GetString(output.ToArray()) + result.StandardError);
    }

    private static Task<string> RedisAsync(CatalogDatabase db, CancellationToken ct, params string[] command) =>
        db.RunAsync([db.Target.TemplateId + "-cli", "-e", .. command], new Dictionary<string, string> { ["REDISCLI_AUTH"] = db.Target.Inputs["password"] }, ct);
}
