using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Backups.Engines;

/// <summary>
/// Redis (template <c>redis</c>) and Valkey (template <c>valkey</c>): the archive is the server's own RDB snapshot.
/// A backup asks for <c>BGSAVE SCHEDULE</c>, waits until <c>LASTSAVE</c> moves past its start and the save
/// succeeded, then streams the file at <c>CONFIG GET dir</c>/<c>dbfilename</c> out with <c>cat</c>. A restore runs
/// <see cref="RedisReplicaRestore"/>: the service becomes, for a moment, the replica of a throwaway server that
/// loaded the archive, so the data is replaced in place without restarting the container. The password travels as
/// REDISCLI_AUTH (and VALKEYCLI_AUTH) in the exec's environment, never as an argument.
/// </summary>
public sealed class RedisBackupEngine : IServiceBackupEngine
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The most a snapshot may take: a very large data set on a slow disk.</summary>
    private static readonly TimeSpan SaveTimeout = TimeSpan.FromMinutes(30);

    private readonly IContainerExec _exec;
    private readonly ILogger _logger;
    private readonly string _templateId;

    private RedisBackupEngine(IContainerExec exec, ILogger logger, string templateId, string cli, string server)
    {
        _exec = exec;
        _logger = logger;
        _templateId = templateId;
        Cli = cli;
        Server = server;
    }

    public string Name => _templateId;

    public string ArchiveExtension => ".rdb";

    internal string Cli { get; }

    internal string Server { get; }

    public static RedisBackupEngine Redis(IContainerExec exec, ILogger<RedisBackupEngine> logger) => new(exec, logger, "redis", "redis-cli", "redis-server");

    public static RedisBackupEngine Valkey(IContainerExec exec, ILogger<RedisBackupEngine> logger) => new(exec, logger, "valkey", "valkey-cli", "valkey-server");

    public bool Supports(string templateId) => templateId == _templateId;

    public async Task BackupAsync(BackupTarget target, Stream archive, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(archive);
        var session = Session(target);

        var before = await LastSaveAsync(session, ct);
        // LASTSAVE counts whole seconds: a save in this same second would not be told apart from ours.
        while (long.Parse((await session.CommandAsync(["TIME"], ct)).Split('\n')[0], CultureInfo.InvariantCulture) <= before)
        {
            await Task.Delay(PollInterval, ct);
        }

        // SCHEDULE: when a save or an AOF rewrite is running, ours starts right after it instead of failing.
        await session.CommandAsync(["BGSAVE", "SCHEDULE"], ct);
        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            bounded.CancelAfter(SaveTimeout);
            try
            {
                while (await LastSaveAsync(session, bounded.Token) <= before || await session.InfoAsync("persistence", "rdb_bgsave_in_progress", bounded.Token) != "0")
                {
                    await Task.Delay(PollInterval, bounded.Token);
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new BackupEngineException($"The {_templateId} snapshot (BGSAVE) did not finish within {SaveTimeout.TotalMinutes:0} minutes.");
            }
        }

        if (await session.InfoAsync("persistence", "rdb_last_bgsave_status", ct) != "ok")
        {
            throw new BackupEngineException($"The {_templateId} snapshot (BGSAVE) failed: see the service's log.");
        }

        var dir = ConfigValue(await session.CommandAsync(["CONFIG", "GET", "dir"], ct));
        var file = ConfigValue(await session.CommandAsync(["CONFIG", "GET", "dbfilename"], ct));
        await EngineExec.RunAsync(_exec, target.ContainerId, ["cat", "--", dir.TrimEnd('/') + "/" + file], new Dictionary<string, string>(), session.Secrets, output: archive, ct: ct);
    }

    public Task RestoreAsync(BackupTarget target, Stream archive, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(archive);
        return new RedisReplicaRestore(this, Session(target), _exec, _logger).RunAsync(archive, ct);
    }

    public Task<IReadOnlyList<string>> RecoverInterruptedRestoreAsync(BackupTarget target, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new RedisRestoreLeftovers(this, Session(target), _exec).RemoveAsync(ct);
    }

    /// <summary>Keys per database, from <c>INFO keyspace</c> (<c>db0:keys=3,expires=0,…</c>).</summary>
    public async Task<BackupFingerprint> FingerprintAsync(BackupTarget target, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var info = await Session(target).CommandAsync(["INFO", "keyspace"], ct);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line.StartsWith("db", StringComparison.Ordinal) && colon > 0)
            {
                var keys = line[(colon + 1)..].Split(',').First(field => field.StartsWith("keys=", StringComparison.Ordinal));
                counts[line[..colon]] = long.Parse(keys["keys=".Length..], NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        return new BackupFingerprint(counts);
    }

    private static async Task<long> LastSaveAsync(RedisSession session, CancellationToken ct) =>
        long.Parse(await session.CommandAsync(["LASTSAVE"], ct), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The value of a <c>CONFIG GET name</c> reply (<c>name\nvalue</c>).</summary>
    internal static string ConfigValue(string reply)
    {
        var lines = reply.Split('\n');
        return lines.Length >= 2 ? lines[1] : throw new BackupEngineException($"Unexpected CONFIG GET reply: {reply}");
    }

    private RedisSession Session(BackupTarget target)
    {
        var password = EngineExec.Input(target, "password");
        return new RedisSession(_exec, target.ContainerId, Cli, password);
    }

    /// <summary>A random free-looking port on the container's loopback for the throwaway server of a restore.</summary>
    internal static int ThrowawayPort() => RandomNumberGenerator.GetInt32(20000, 60000);
}

/// <summary>One Redis/Valkey server reached with its CLI inside the container (<c>-e</c>: an error reply fails the exec).</summary>
internal sealed class RedisSession(IContainerExec exec, string containerId, string cli, string? password, int port = 6379)
{
    public string ContainerId => containerId;

    public IReadOnlyList<string> Secrets { get; } = password is null ? [] : [password];

    private IReadOnlyDictionary<string, string> Environment { get; } = password is null
        ? new Dictionary<string, string>()
        : new Dictionary<string, string>(StringComparer.Ordinal) { ["REDISCLI_AUTH"] = password, ["VALKEYCLI_AUTH"] = password };

    /// <summary>The reply, trimmed (the CLI prints raw replies when its output is not a terminal).</summary>
    public async Task<string> CommandAsync(IReadOnlyList<string> command, CancellationToken ct)
    {
        var reply = await EngineExec.ReadAsync(exec, containerId, [cli, "-e", "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), .. command], Environment, Secrets, ct: ct);
        return reply.Replace("\r", string.Empty, StringComparison.Ordinal).Trim();
    }

    /// <summary>One field of <c>INFO section</c>, or null when the server does not report it.</summary>
    public async Task<string?> InfoAsync(string section, string field, CancellationToken ct)
    {
        var prefix = field + ":";
        return (await CommandAsync(["INFO", section], ct)).Split('\n')
            .Select(line => line.Trim())
            .FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
    }
}
