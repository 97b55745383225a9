namespace GoForge.Core.Backups;

/// <summary>
/// Dumps and restores GoForge's own database in PostgreSQL's custom archive format. Secrets stay what they are in
/// the tables: AES-GCM ciphertexts, readable only with the same key.
/// </summary>
public interface IDatabaseDumps
{
    /// <summary>Writes a dump to <paramref name="fullPath"/> (owner-only, replaced atomically); throws <see cref="DatabaseDumpException"/> when the tool fails.</summary>
    Task<long> DumpAsync(string fullPath, CancellationToken ct = default);

    /// <summary>Restores the dump at <paramref name="fullPath"/>; with <paramref name="replaceExisting"/>, objects already there are dropped first.</summary>
    Task RestoreAsync(string fullPath, bool replaceExisting, CancellationToken ct = default);

    /// <summary>True when the database holds no table, view or sequence of its own.</summary>
    Task<bool> IsEmptyAsync(CancellationToken ct = default);
}

/// <summary>Brings a database up to the running version after a restore: migrations, then the secrets key check.</summary>
public interface IDatabaseUpgrade
{
    /// <summary>Returns the migration scripts applied; throws <see cref="InvalidOperationException"/> naming what to fix when the secrets key does not fit.</summary>
    Task<IReadOnlyList<string>> UpgradeAsync(CancellationToken ct = default);
}

/// <summary>pg_dump or pg_restore failed, or could not be started; the message says why (never a password).</summary>
public sealed class DatabaseDumpException : Exception
{
    public DatabaseDumpException(string message)
        : base(message)
    {
    }

    public DatabaseDumpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DatabaseDumpException()
    {
    }
}
