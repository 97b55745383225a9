using System.Globalization;

namespace GoForge.Core.Backups.Engines;

/// <summary>
/// MariaDB (template <c>mariadb</c>: <c>mariadb-dump</c>, <c>mariadb</c>) and MySQL (template <c>mysql</c>:
/// <c>mysqldump</c>, <c>mysql</c>): a logical SQL dump of the service's database with <c>--single-transaction</c>
/// (a consistent InnoDB snapshot without locking writers), routines, events and triggers. The tools sign in as root
/// (input <c>root_password</c>; else the service's <c>user</c>) over TCP to 127.0.0.1, so the password is checked, and
/// the password travels as MYSQL_PWD in the exec's environment, never as an argument. The dump names no database
/// (no <c>--databases</c>): it restores into the target service's own database, whatever that one is called.
/// </summary>
public sealed class MySqlBackupEngine : IServiceBackupEngine
{
    /// <summary>
    /// Exact row counts of the database's tables: the database is the client's current one (an argument, never SQL
    /// text), each table's COUNT(*) statement is built in SQL with QUOTE() and doubled backticks, then run at once.
    /// </summary>
    private const string CountRowsSql = """
        SET SESSION group_concat_max_len = 1073741824;
        SELECT GROUP_CONCAT(CONCAT('SELECT ', QUOTE(table_name), ', COUNT(*) FROM `', REPLACE(table_name, '`', '``'), '`') ORDER BY table_name SEPARATOR ' UNION ALL ')
          INTO @goforge_counts
          FROM information_schema.tables
          WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE';
        SET @goforge_counts = COALESCE(@goforge_counts, 'SELECT NULL, NULL FROM DUAL WHERE FALSE');
        PREPARE goforge_counts FROM @goforge_counts;
        EXECUTE goforge_counts;
        DEALLOCATE PREPARE goforge_counts;
        """;

    private readonly IContainerExec _exec;
    private readonly string _templateId;
    private readonly string _dumpTool;
    private readonly string _client;

    private MySqlBackupEngine(IContainerExec exec, string templateId, string dumpTool, string client)
    {
        _exec = exec;
        _templateId = templateId;
        _dumpTool = dumpTool;
        _client = client;
    }

    public string Name => _templateId;

    public string ArchiveExtension => ".sql";

    public static MySqlBackupEngine MariaDb(IContainerExec exec) => new(exec, "mariadb", "mariadb-dump", "mariadb");

    public static MySqlBackupEngine MySql(IContainerExec exec) => new(exec, "mysql", "mysqldump", "mysql");

    public bool Supports(string templateId) => templateId == _templateId;

    public Task BackupAsync(BackupTarget target, Stream archive, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(archive);
        var (environment, secrets, user) = Connection(target);
        return EngineExec.RunAsync(
            _exec,
            target.ContainerId,
            [_dumpTool, .. Tcp(user), "--single-transaction", "--routines", "--events", "--triggers", "--hex-blob", "--", EngineExec.Input(target, "db")],
            environment,
            secrets,
            output: archive,
            ct: ct);
    }

    public Task RestoreAsync(BackupTarget target, Stream archive, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(archive);
        var (environment, secrets, user) = Connection(target);
        return EngineExec.RunAsync(
            _exec,
            target.ContainerId,
            [_client, .. Tcp(user), "--binary-mode", "--", EngineExec.Input(target, "db")],
            environment,
            secrets,
            input: archive,
            output: Stream.Null,
            ct: ct);
    }

    public async Task<BackupFingerprint> FingerprintAsync(BackupTarget target, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (environment, secrets, user) = Connection(target);
        var output = await EngineExec.ReadAsync(
            _exec,
            target.ContainerId,
            [_client, .. Tcp(user), "--batch", "--skip-column-names", "--execute=" + CountRowsSql, "--", EngineExec.Input(target, "db")],
            environment,
            secrets,
            ct: ct);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // Batch mode escapes tabs and newlines inside a name, so the last tab is the separator.
            var tab = line.LastIndexOf('\t');
            counts[line[..tab]] = long.Parse(line[(tab + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return new BackupFingerprint(counts);
    }

    private static string[] Tcp(string user) => ["--protocol=TCP", "--host=127.0.0.1", "--port=3306", "--user=" + user];

    private static (IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Secrets, string User) Connection(BackupTarget target)
    {
        var root = target.Inputs.TryGetValue("root_password", out var rootPassword) && rootPassword.Length > 0;
        var password = root ? rootPassword! : EngineExec.Input(target, "password");
        var user = root ? "root" : EngineExec.Input(target, "user");
        return (new Dictionary<string, string>(StringComparer.Ordinal) { ["MYSQL_PWD"] = password }, [password], user);
    }
}
