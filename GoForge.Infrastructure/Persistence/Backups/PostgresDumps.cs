using Dapper;
using GoForge.Core.Backups;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GoForge.Infrastructure.Persistence.Backups;

/// <summary>
/// <c>pg_dump --format=custom</c> and <c>pg_restore</c> over GoForge's database. The dump holds the tables as they
/// are, so secret columns stay AES-GCM ciphertexts and password hashes stay hashes; the file is still owner-only.
/// </summary>
internal sealed class PostgresDumps(
    NpgsqlDataSource dataSource,
    DatabaseConnectionString connectionString,
    IOptions<BackupOptions> options,
    ILogger<PostgresDumps> logger) : IDatabaseDumps
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private PostgresTools Tools => new(options.Value, connectionString);

    public async Task<long> DumpAsync(string fullPath, CancellationToken ct = default)
    {
        // Written beside the target and moved over it at the end: a failed dump never leaves a half file under that name.
        var folder = Path.GetDirectoryName(fullPath)!;
        var partial = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.partial");
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = OwnerOnly;
            }

            using (File.Open(partial, create))
            {
                // pg_dump truncates and fills it; created here so it is owner-only from the first byte.
            }

            await Tools.RunAsync("pg_dump", ["--format=custom", "--no-password", $"--file={partial}"], ct);
            File.Move(partial, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }

        var bytes = new FileInfo(fullPath).Length;
        BackupLog.BackupWritten(logger, bytes);
        return bytes;
    }

    public async Task RestoreAsync(string fullPath, bool replaceExisting, CancellationToken ct = default)
    {
        var tools = Tools;
        List<string> arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--no-password", $"--dbname={tools.DatabaseOnlyConnInfo()}"];
        if (replaceExisting)
        {
            arguments.AddRange(["--clean", "--if-exists"]);
        }

        // An absolute path never starts with '-', so pg_restore cannot read it as an option.
        arguments.Add(fullPath);
        await tools.RunAsync("pg_restore", arguments, ct);

        // Connections opened before the restore may hold type information of dropped objects.
        dataSource.Clear();
        BackupLog.Restored(logger, replaceExisting);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken ct = default)
    {
        const string sql = """
            SELECT NOT EXISTS (
                SELECT 1
                FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\_toast%'
                  AND n.nspname NOT LIKE 'pg\_temp%'
                  AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f'))
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(sql, cancellationToken: ct));
    }
}

/// <summary>After a restore: the scripts the restored data lacks, then the proof that the configured key decrypts it.</summary>
internal sealed class DatabaseUpgrade(DatabaseMigrator migrator, Crypto.SecretKeyCheck keyCheck) : IDatabaseUpgrade
{
    public async Task<IReadOnlyList<string>> UpgradeAsync(CancellationToken ct = default)
    {
        var applied = migrator.Migrate();
        await keyCheck.VerifyAsync(ct);
        return applied;
    }
}

internal static partial class BackupLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Database backup written: {Bytes} bytes")]
    public static partial void BackupWritten(ILogger logger, long bytes);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Database restored from a backup (replacing existing objects: {Replaced})")]
    public static partial void Restored(ILogger logger, bool replaced);
}
