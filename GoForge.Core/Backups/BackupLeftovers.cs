using GoForge.Core.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Backups;

/// <summary>
/// What a run cut off by a killed panel (SIGKILL, power loss) leaves behind, removed at the next start before the run
/// is ended (docs/decisions/backups.md#crash-recovery):
/// <list type="bullet">
/// <item>the panel database's temporary dump (<see cref="BackupRunner.PanelDumpPath"/>);</item>
/// <item>the destination's partial write of the run's archive (<see cref="IBackupStore.RemovePartialWritesAsync"/>:
/// a temporary file in a folder, an unfinished multipart upload in S3);</item>
/// <item>for a restore, what the engine left in the service's container (<see cref="IServiceBackupEngine.RecoverInterruptedRestoreAsync"/>:
/// Redis's throwaway server and the service replicating it).</item>
/// </list>
/// Each step is bounded by <see cref="StepTimeout"/>; a step that fails is logged and the others still run.
/// </summary>
public sealed class BackupLeftovers(
    IServiceInstanceRepository instances,
    BackupEngines engines,
    IBackupDestinationRepository destinations,
    IBackupStoreFactory stores,
    IOptions<BackupRunOptions> options,
    ILogger<BackupLeftovers> logger)
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(1);

    public async Task RemoveAsync(BackupRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Kind == BackupRunKind.Backup && run.TargetKind == BackupTargetKind.PanelDatabase)
        {
            await StepAsync(run, "the temporary dump", _ => RemoveDumpAsync(run), ct);
        }

        if (run.Kind == BackupRunKind.Backup && run.DestinationId is { } destinationId)
        {
            await StepAsync(run, "the partial archive", token => RemovePartialArchiveAsync(run, destinationId, token), ct);
        }

        if (run.Kind == BackupRunKind.Restore && run.TargetKind == BackupTargetKind.Service)
        {
            await StepAsync(run, "the restore's helpers in the service", token => RecoverRestoreAsync(run, token), ct);
        }
    }

    private Task<IReadOnlyList<string>> RemoveDumpAsync(BackupRun run)
    {
        var path = BackupRunner.PanelDumpPath(options.Value, run);
        if (!File.Exists(path))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        File.Delete(path);
        return Task.FromResult<IReadOnlyList<string>>([path]);
    }

    private async Task<IReadOnlyList<string>> RemovePartialArchiveAsync(BackupRun run, Guid destinationId, CancellationToken ct)
    {
        // A destination deleted since holds nothing GoForge still reaches.
        if (await destinations.OpenSpecAsync(destinationId, ct) is not { } spec)
        {
            return [];
        }

        var stem = BackupArchiveKeys.Stem(run);
        var removed = await stores.Open(spec).RemovePartialWritesAsync(stem, ct);
        return removed == 0 ? [] : [$"{removed} partial write(s) of {stem} at {run.DestinationName}"];
    }

    private async Task<IReadOnlyList<string>> RecoverRestoreAsync(BackupRun run, CancellationToken ct)
    {
        var instance = await instances.GetAsync(run.TargetId, ct);
        if (instance is not { State: ServiceState.Running, ContainerId: { Length: > 0 } containerId } || engines.For(instance.TemplateId) is not { } engine)
        {
            return [];
        }

        var (inputs, _) = await instances.GetInputsAsync(run.TargetId, ct);
        return await engine.RecoverInterruptedRestoreAsync(new BackupTarget(containerId, instance.TemplateId, inputs), ct);
    }

    private async Task StepAsync(BackupRun run, string what, Func<CancellationToken, Task<IReadOnlyList<string>>> step, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(StepTimeout);
        try
        {
            foreach (var removed in await step(bounded.Token))
            {
                BackupLog.LeftoverRemoved(logger, run.Id, removed);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            BackupLog.LeftoverCleanupFailed(logger, run.Id, what, e);
        }
    }
}
