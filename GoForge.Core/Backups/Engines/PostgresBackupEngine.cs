using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Backups.Engines;

/// <summary>
/// PostgreSQL (catalog template <c>postgresql</c>, inputs <c>user</c>, <c>password</c>, <c>db</c>): the database as
/// <c>pg_dump --format=custom</c> and the cluster's roles as <c>pg_dumpall --globals-only</c>, packed as
/// <see cref="PostgresArchive"/>. The tools run in the service's container and connect to 127.0.0.1 (password
/// authentication, so a wrong password fails as it would from outside); the connection settings, password included,
/// are the exec's PG* environment variables, never arguments.
/// </summary>
public sealed class PostgresBackupEngine(IContainerExec exec, ILogger<PostgresBackupEngine> logger) : IServiceBackupEngine
{
    /// <summary>
    /// Exact row counts of every table outside the system schemas, one query: each table is counted by a statement
    /// built in SQL with <c>format('%I.%I')</c> (quote_ident), never from names in C#.
    /// </summary>
    private const string CountRowsSql = """
        SELECT format('%I.%I', n.nspname, c.relname),
               (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\_toast%'
          AND n.nspname NOT LIKE 'pg\_temp%'
        ORDER BY 1
        """;

    /// <summary>
    /// Around the globals: the signed-in role's password verifier is kept before and set back after, so restoring
    /// another installation's roles never changes the password the panel holds for this service.
    /// </summary>
    private const string KeepOwnPasswordSql = """
        SELECT coalesce(rolpassword, '') AS goforge_own_verifier FROM pg_catalog.pg_authid WHERE rolname = current_user \gset

        """;

    private const string RestoreOwnPasswordSql = """

        ALTER ROLE CURRENT_USER PASSWORD :'goforge_own_verifier';

        """;

    public string Name => "postgresql";

    public string ArchiveExtension => ".pgdump.tar";

    public bool Supports(string templateId) => templateId == "postgresql";

    public async Task BackupAsync(BackupTarget target, Stream archive, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(archive);
        var (environment, secrets) = Connection(target);

        // Roles first: small, read whole; then the dump, streamed through the tar one chunk at a time.
        var globals = await EngineExec.ReadAsync(exec, target.ContainerId, ["pg_dumpall", "--globals-only", "--no-password"], environment, secrets, ct: ct);
        await using var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true);
        using (var globalsData = new MemoryStream(Encoding.UTF8.GetBytes(globals), writable: false))
        {
            await tar.WriteEntryAsync(PostgresArchive.Entry(PostgresArchive.GlobalsEntry, globalsData), ct);
        }

        await using var dump = new PostgresArchive.ChunkWriter(tar);
        await EngineExec.RunAsync(exec, target.ContainerId, ["pg_dump", "--format=custom", "--no-password"], environment, secrets, output: dump, ct: ct);
        await dump.CompleteAsync(ct);
    }

    public async Task RestoreAsync(BackupTarget target, Stream archive, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(archive);
        var (environment, secrets) = Connection(target);
        await using var tar = new TarReader(archive, leaveOpen: true);

        var globals = await tar.GetNextEntryAsync(copyData: false, ct);
        if (globals?.Name != PostgresArchive.GlobalsEntry || globals.DataStream is null)
        {
            throw new BackupEngineException($"The archive does not start with {PostgresArchive.GlobalsEntry}: it is not a GoForge PostgreSQL archive.");
        }

        await RestoreGlobalsAsync(target, globals.DataStream, environment, secrets, ct);

        var first = await tar.GetNextEntryAsync(copyData: false, ct);
        if (first?.Name != PostgresArchive.ChunkName(0))
        {
            throw new BackupEngineException($"The archive has no {PostgresArchive.ChunkName(0)} after its globals: it is damaged or not GoForge's.");
        }

        await using var dump = new PostgresArchive.ChunkReader(tar, first);
        await EngineExec.RunAsync(
            exec,
            target.ContainerId,
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "--no-password", "--dbname=" + Conninfo(EngineExec.Input(target, "db"))],
            environment,
            secrets,
            input: dump,
            ct: ct);
    }

    public async Task<BackupFingerprint> FingerprintAsync(BackupTarget target, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (environment, secrets) = Connection(target);
        var output = await EngineExec.ReadAsync(
            exec,
            target.ContainerId,
            ["psql", "--no-psqlrc", "--no-password", "--set=ON_ERROR_STOP=1", "--tuples-only", "--no-align", "--field-separator-zero", "--record-separator-zero", "--command=" + CountRowsSql],
            environment,
            secrets,
            ct: ct);
        var fields = output.Split('\0');
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            counts[fields[i]] = long.Parse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return new BackupFingerprint(counts);
    }

    /// <summary>
    /// Runs the globals through psql without stopping at errors: the roles this cluster already has ("role … already
    /// exists") are expected and skipped; any other error fails the restore.
    /// </summary>
    private async Task RestoreGlobalsAsync(BackupTarget target, Stream globals, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> secrets, CancellationToken ct)
    {
        await using var script = new BoundedBuffer(EngineExec.SmallOutputLimit, PostgresArchive.GlobalsEntry);
        script.Write(Encoding.UTF8.GetBytes(KeepOwnPasswordSql));
        await globals.CopyToAsync(script, ct);
        script.Write(Encoding.UTF8.GetBytes(RestoreOwnPasswordSql));
        script.Position = 0;

        var result = await exec.RunAsync(new ContainerExecRequest(
            target.ContainerId,
            ["psql", "--no-psqlrc", "--no-password", "--quiet", "--set=ON_ERROR_STOP=0", "--file=-"],
            environment,
            StandardInput: script,
            StandardOutput: Stream.Null), ct);
        var errors = result.StandardError.Split('\n')
            .Where(line => line.Contains("ERROR:", StringComparison.Ordinal))
            .ToList();
        var expected = errors.Count(line => line.EndsWith("already exists", StringComparison.Ordinal));
        if (result.ExitCode != 0 || errors.Count > expected)
        {
            throw EngineExec.Failure("psql (globals)", result, secrets);
        }

        if (expected > 0)
        {
            logger.GlobalsAlreadyPresent(target.ContainerId, expected);
        }
    }

    private static (IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Secrets) Connection(BackupTarget target)
    {
        var password = EngineExec.Input(target, "password");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGHOST"] = "127.0.0.1",
            ["PGPORT"] = "5432",
            ["PGUSER"] = EngineExec.Input(target, "user"),
            ["PGPASSWORD"] = password,
            ["PGDATABASE"] = EngineExec.Input(target, "db"),
            ["PGCONNECT_TIMEOUT"] = "10",
            ["PGAPPNAME"] = "goforge-backup",
        };
        return (environment, [password]);
    }

    /// <summary>A libpq connection string naming one database, quoted (pg_restore's --dbname reads a string with '=' as one).</summary>
    internal static string Conninfo(string database) =>
        "dbname='" + database.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("'", @"\'", StringComparison.Ordinal) + "'";
}
