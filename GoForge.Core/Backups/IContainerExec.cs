namespace GoForge.Core.Backups;

/// <summary>
/// A program to run inside a running container through the engine's exec: an argument list, never a command line.
/// Credentials go in <see cref="Environment"/> (an exec's environment is not shown by <c>ps</c> on the host or in the
/// container's argument lists). <see cref="StandardInput"/> is copied to the program and then closed;
/// <see cref="StandardOutput"/> receives its output as it comes (streamed, never buffered whole).
/// </summary>
public sealed record ContainerExecRequest(
    string ContainerId,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string? User = null,
    Stream? StandardInput = null,
    Stream? StandardOutput = null);

/// <summary>
/// How the program ended. <see cref="StandardError"/> is its last few KiB; <see cref="CapturedOutput"/> is its last few
/// KiB of output when the request gave no <see cref="ContainerExecRequest.StandardOutput"/>, else empty.
/// </summary>
public sealed record ContainerExecResult(long ExitCode, string StandardError, string CapturedOutput);

/// <summary>Runs programs inside containers (Docker's exec API in Infrastructure). Cancelling ends the wait and kills nothing but the attachment; callers bound each run with a time-out.</summary>
public interface IContainerExec
{
    Task<ContainerExecResult> RunAsync(ContainerExecRequest request, CancellationToken ct = default);
}

/// <summary>What a restore is checked against: per table (or per key space) counts, compared before and after.</summary>
public sealed record BackupFingerprint(IReadOnlyDictionary<string, long> Counts)
{
    /// <summary>The names whose counts differ from <paramref name="expected"/>, with both figures, for the report.</summary>
    public IReadOnlyList<string> DifferencesFrom(BackupFingerprint expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var names = new SortedSet<string>(Counts.Keys, StringComparer.Ordinal);
        names.UnionWith(expected.Counts.Keys);
        var differences = new List<string>();
        foreach (var name in names)
        {
            var had = expected.Counts.GetValueOrDefault(name, -1);
            var has = Counts.GetValueOrDefault(name, -1);
            if (had != has)
            {
                differences.Add($"{name}: expected {(had < 0 ? "none" : had)}, found {(has < 0 ? "none" : has)}");
            }
        }

        return differences;
    }
}

/// <summary>
/// The service a backup or restore works on: its running container, its catalog template and its stored inputs
/// (decrypted; they become the engine's password environment variables, never arguments).
/// </summary>
public sealed record BackupTarget(string ContainerId, string TemplateId, IReadOnlyDictionary<string, string> Inputs);

/// <summary>
/// One database engine's backup and restore, run inside the service's own container through <see cref="IContainerExec"/>.
/// The archive is one stream (an engine that needs several files packs them, e.g. PostgreSQL's globals and its dump).
/// </summary>
public interface IServiceBackupEngine
{
    /// <summary>A short stable name for logs and the history ("postgresql", "mariadb", "redis").</summary>
    string Name { get; }

    /// <summary>The archive's file extension, with its dot (".pgdump.tar", ".sql", ".rdb").</summary>
    string ArchiveExtension { get; }

    bool Supports(string templateId);

    /// <summary>Writes the archive to <paramref name="archive"/>; throws <see cref="BackupEngineException"/> with the tool's message when it fails.</summary>
    Task BackupAsync(BackupTarget target, Stream archive, CancellationToken ct = default);

    /// <summary>Replaces the service's data with the archive's; throws <see cref="BackupEngineException"/> when the tool fails.</summary>
    Task RestoreAsync(BackupTarget target, Stream archive, CancellationToken ct = default);

    /// <summary>Counts to compare before a backup and after its restore (rows per table, keys per database).</summary>
    Task<BackupFingerprint> FingerprintAsync(BackupTarget target, CancellationToken ct = default);

    /// <summary>
    /// Undoes what a restore cut off by a killed panel left inside the service's container (a helper process, a temporary
    /// folder, a changed role), so the service serves its own data again; returns what was undone, for the log. Most
    /// engines leave nothing: their restore tool reads the exec's standard input and ends when the panel's side closes.
    /// </summary>
    Task<IReadOnlyList<string>> RecoverInterruptedRestoreAsync(BackupTarget target, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}

/// <summary>A dump or restore tool failed inside the container; the message is its error output (never a password).</summary>
public sealed class BackupEngineException : Exception
{
    public BackupEngineException(string message)
        : base(message)
    {
    }

    public BackupEngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupEngineException()
    {
    }
}
