using System.Globalization;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Backups.Engines;

/// <summary>
/// Replaces a running Redis/Valkey server's data with an RDB archive, in place, without restarting its container:
/// <list type="number">
/// <item>the archive is copied into a new temporary folder in the container (<c>mktemp -d</c>, then <c>dd</c> from standard input),
/// named <see cref="FolderPrefix"/> and the throwaway's port, so the recovery of a killed panel finds both
/// (<see cref="RedisRestoreLeftovers"/>);</item>
/// <item>a throwaway server of the same program loads it there: <c>--daemonize yes</c>, bound to 127.0.0.1 on a random
/// port, no persistence of its own, no password (only processes inside the container's network namespace reach it);</item>
/// <item>the service becomes its replica (<c>REPLICAOF 127.0.0.1 port</c>): while it syncs it refuses writes, then
/// flushes its data and loads the archive's, and with the append-only file on it rewrites that file from the new data;</item>
/// <item>the service is promoted back (<c>REPLICAOF NO ONE</c>), the throwaway server shut down and the folder removed,
/// also when a step fails.</item>
/// </list>
/// </summary>
internal sealed class RedisReplicaRestore(RedisBackupEngine engine, RedisSession service, IContainerExec exec, ILogger logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    /// <summary>The temporary folder of a restore is <c>/tmp/goforge-restore-PORT-XXXXXX</c>.</summary>
    public const string FolderParent = "/tmp";
    public const string FolderPrefix = "goforge-restore-";

    public async Task RunAsync(Stream archive, CancellationToken ct)
    {
        var port = RedisBackupEngine.ThrowawayPort();
        var template = $"{FolderParent}/{FolderPrefix}{port.ToString(CultureInfo.InvariantCulture)}-XXXXXX";
        var folder = (await EngineExec.ReadAsync(exec, service.ContainerId, ["mktemp", "-d", template], NoEnvironment, [], ct: ct)).Trim();
        var throwaway = new RedisSession(exec, service.ContainerId, engine.Cli, password: null, port);
        var replicating = false;
        try
        {
            await EngineExec.RunAsync(exec, service.ContainerId, ["dd", $"of={folder}/dump.rdb", "bs=65536"], NoEnvironment, [], input: archive, output: Stream.Null, ct: ct);
            await EngineExec.RunAsync(
                exec,
                service.ContainerId,
                [engine.Server, "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--dir", folder, "--dbfilename", "dump.rdb",
                 "--daemonize", "yes", "--pidfile", folder + "/server.pid", "--logfile", folder + "/server.log", "--save", string.Empty, "--appendonly", "no"],
                NoEnvironment,
                [],
                ct: ct);
            logger.RedisRestoreStep(service.ContainerId, "the archive is loaded in a throwaway server");

            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(SyncTimeout);
            try
            {
                await UntilAsync(throwaway, "persistence", "loading", "0", bounded.Token);
                replicating = true;
                await service.CommandAsync(["REPLICAOF", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)], bounded.Token);
                logger.RedisRestoreStep(service.ContainerId, "replicating from the archive");
                await UntilAsync(service, "replication", "master_link_status", "up", bounded.Token);
                await UntilAsync(service, "replication", "master_sync_in_progress", "0", bounded.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new BackupEngineException($"Loading the archive into {engine.Name} did not finish within {SyncTimeout.TotalMinutes:0} minutes.");
            }

            await service.CommandAsync(["REPLICAOF", "NO", "ONE"], ct);
            replicating = false;
            // The append-only file is rewritten from the loaded data: wait so the restore is on disk when it returns.
            await UntilAsync(service, "persistence", "aof_rewrite_in_progress", "0", ct);
            await UntilAsync(service, "persistence", "aof_rewrite_scheduled", "0", ct);
            logger.RedisRestoreStep(service.ContainerId, "restored");
        }
        finally
        {
            using var cleanup = new CancellationTokenSource(CleanupTimeout);
            if (replicating)
            {
                await CleanupAsync(() => service.CommandAsync(["REPLICAOF", "NO", "ONE"], cleanup.Token));
            }

            await CleanupAsync(() => throwaway.CommandAsync(["SHUTDOWN", "NOSAVE"], cleanup.Token));
            await CleanupAsync(() => EngineExec.RunAsync(exec, service.ContainerId, ["rm", "-rf", "--", folder], NoEnvironment, [], ct: cleanup.Token));
        }
    }

    private static async Task UntilAsync(RedisSession server, string section, string field, string value, CancellationToken ct)
    {
        while (await server.InfoAsync(section, field, ct) is { } found && found != value)
        {
            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary>A cleanup step that fails (the tool, the engine, its time-out) is logged, never thrown over the restore's own outcome.</summary>
    private async Task CleanupAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.RedisRestoreCleanupFailed(service.ContainerId, e.Message);
        }
    }
}
