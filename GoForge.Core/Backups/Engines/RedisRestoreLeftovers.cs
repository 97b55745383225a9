using System.Globalization;

namespace GoForge.Core.Backups.Engines;

/// <summary>
/// What a <see cref="RedisReplicaRestore"/> cut off by a killed panel leaves in the service's container, undone: each
/// <c>/tmp/goforge-restore-PORT-XXXXXX</c> folder names the port of its throwaway server. When the service still
/// replicates that server (<c>master_host:127.0.0.1</c>, <c>master_port:PORT</c>) it is promoted back
/// (<c>REPLICAOF NO ONE</c>), so it takes writes again; the throwaway server is shut down (<c>SHUTDOWN NOSAVE</c>; one
/// that never started is fine) and the folder removed. The service keeps whatever data it had loaded by then: the
/// restore is recorded failed and can be run again.
/// </summary>
internal sealed class RedisRestoreLeftovers(RedisBackupEngine engine, RedisSession service, IContainerExec exec)
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    public async Task<IReadOnlyList<string>> RemoveAsync(CancellationToken ct)
    {
        var listing = await EngineExec.ReadAsync(
            exec,
            service.ContainerId,
            ["find", RedisReplicaRestore.FolderParent, "-maxdepth", "1", "-type", "d", "-name", RedisReplicaRestore.FolderPrefix + "*"],
            NoEnvironment,
            [],
            ct: ct);
        var undone = new List<string>();
        foreach (var folder in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (PortOf(folder) is not { } port)
            {
                continue;
            }

            if (await service.InfoAsync("replication", "master_host", ct) == "127.0.0.1"
                && await service.InfoAsync("replication", "master_port", ct) == port.ToString(CultureInfo.InvariantCulture))
            {
                await service.CommandAsync(["REPLICAOF", "NO", "ONE"], ct);
                undone.Add($"{engine.Name} in {service.ContainerId} promoted back from replicating the restore's throwaway server");
            }

            try
            {
                await new RedisSession(exec, service.ContainerId, engine.Cli, password: null, port).CommandAsync(["SHUTDOWN", "NOSAVE"], ct);
                undone.Add($"the restore's throwaway server on port {port} in {service.ContainerId} shut down");
            }
            catch (BackupEngineException)
            {
                // Not running (the kill came before it started, or it is gone): nothing to stop.
            }

            await EngineExec.RunAsync(exec, service.ContainerId, ["rm", "-rf", "--", folder], NoEnvironment, [], ct: ct);
            undone.Add($"the restore's folder {folder} in {service.ContainerId} removed");
        }

        return undone;
    }

    /// <summary>The port in <c>/tmp/goforge-restore-PORT-XXXXXX</c>, or null for a folder of another shape (left alone).</summary>
    internal static int? PortOf(string folder)
    {
        var prefix = RedisReplicaRestore.FolderParent + "/" + RedisReplicaRestore.FolderPrefix;
        if (!folder.StartsWith(prefix, StringComparison.Ordinal) || folder.Contains("/..", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = folder[prefix.Length..].Split('-');
        return rest.Length == 2 && rest[1].Length >= 6 && rest[1].All(char.IsAsciiLetterOrDigit)
            && int.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : null;
    }
}
