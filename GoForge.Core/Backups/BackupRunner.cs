using System.IO.Pipelines;
using GoForge.Core.Identity;
using GoForge.Core.Services;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Backups;

/// <summary>How a run ended, for the worker to record.</summary>
public sealed record BackupRunOutcome(BackupRunState State, string? Error, string? ArchiveKey = null, string? Engine = null, long Bytes = 0,
    BackupFingerprint? Fingerprint = null, bool? Verified = null, string? Verification = null);

/// <summary>
/// Runs one backup or restore (docs/decisions/backups.md#running). A service's backup: its running container, template
/// and decrypted inputs make the engine's <see cref="BackupTarget"/>; the engine's counts are taken, then its archive
/// streams through a pipe into the destination's store (never held whole in memory). The panel's database is dumped by
/// <see cref="BackupService"/> to a temporary file, streamed to the store and removed. A restore streams the archive
/// back into the engine and compares the counts with the backup's. Failures the operator can act on end as
/// <see cref="BackupRunState.Failed"/> with the reason; cancellation propagates.
/// </summary>
public sealed class BackupRunner(
    IServiceInstanceRepository instances,
    BackupEngines engines,
    IBackupDestinationRepository destinations,
    IBackupStoreFactory stores,
    IBackupRunRepository runs,
    BackupService panelDatabase,
    IOptions<BackupRunOptions> options)
{
    /// <summary>Back-pressure: the engine pauses while this much is waiting for the store.</summary>
    private const long PipePause = 4 * 1024 * 1024;

    public async Task<BackupRunOutcome> RunAsync(BackupRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        var spec = run.DestinationId is { } destinationId ? await destinations.OpenSpecAsync(destinationId, ct) : null;
        if (spec is null)
        {
            return Failed("the destination no longer exists");
        }

        try
        {
            var store = stores.Open(spec);
            return (run.Kind, run.TargetKind) switch
            {
                (BackupRunKind.Backup, BackupTargetKind.Service) => await BackUpServiceAsync(run, store, ct),
                (BackupRunKind.Backup, BackupTargetKind.PanelDatabase) => await BackUpPanelAsync(run, store, ct),
                (BackupRunKind.Restore, BackupTargetKind.Service) => await RestoreServiceAsync(run, store, ct),
                _ => Failed("the panel's own database is restored with the CLI (goforge restore), not by the running panel"),
            };
        }
        catch (BackupStoreException e)
        {
            return Failed($"the destination failed: {e.Message}");
        }
        catch (BackupEngineException e)
        {
            return Failed(e.Message);
        }
    }

    private async Task<BackupRunOutcome> BackUpServiceAsync(BackupRun run, IBackupStore store, CancellationToken ct)
    {
        var (target, engine, error) = await ResolveAsync(run.TargetId, ct);
        if (error is not null)
        {
            return Failed(error);
        }

        var fingerprint = await engine!.FingerprintAsync(target!, ct);
        var key = BackupArchiveKeys.For(run, engine.ArchiveExtension);
        var bytes = await StreamAsync(key, store, (archive, token) => engine.BackupAsync(target!, archive, token), ct);
        return new BackupRunOutcome(BackupRunState.Succeeded, null, key, engine.Name, bytes, fingerprint);
    }

    /// <summary>Where a backup of the panel's database dumps before it streams to the store (removed after, or by the recovery of a killed panel).</summary>
    internal static string PanelDumpPath(BackupRunOptions options, BackupRun run) =>
        Path.Combine(options.TempFolder ?? Path.GetTempPath(), $"panel-{run.Id:N}.pgdump");

    private async Task<BackupRunOutcome> BackUpPanelAsync(BackupRun run, IBackupStore store, CancellationToken ct)
    {
        var temp = PanelDumpPath(options.Value, run);
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        try
        {
            var dumped = await panelDatabase.BackupAsync(Actor.Operator, temp, overwrite: true, ct);
            if (!dumped.IsSuccess)
            {
                return Failed(dumped.Error.Message);
            }

            var key = BackupArchiveKeys.For(run, ".pgdump");
            await using var file = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var bytes = await store.WriteAsync(key, file, ct);
            return new BackupRunOutcome(BackupRunState.Succeeded, null, key, "pg_dump", bytes);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task<BackupRunOutcome> RestoreServiceAsync(BackupRun run, IBackupStore store, CancellationToken ct)
    {
        var source = run.SourceRunId is { } id ? await runs.GetAsync(id, ct) : null;
        if (source is not { HasArchive: true })
        {
            return Failed("the backup to restore no longer has an archive");
        }

        var (target, engine, error) = await ResolveAsync(run.TargetId, ct);
        if (error is not null)
        {
            return Failed(error);
        }

        Stream archive;
        try
        {
            archive = await store.OpenReadAsync(source.ArchiveKey!, ct);
        }
        catch (FileNotFoundException)
        {
            return Failed("the archive is no longer at its destination");
        }

        await using (archive)
        {
            await engine!.RestoreAsync(target!, archive, ct);
        }

        var after = await engine.FingerprintAsync(target!, ct);
        if (source.Fingerprint is null)
        {
            return new BackupRunOutcome(BackupRunState.Succeeded, null, Engine: engine.Name, Verified: null, Verification: "restored; the backup recorded no counts to compare");
        }

        var differences = after.DifferencesFrom(source.Fingerprint);
        return differences.Count == 0
            ? new BackupRunOutcome(BackupRunState.Succeeded, null, Engine: engine.Name, Verified: true,
                Verification: $"verified: {source.Fingerprint.Counts.Count} count(s) match the backup's")
            : new BackupRunOutcome(BackupRunState.Succeeded, null, Engine: engine.Name, Verified: false,
                Verification: "restored, but the counts differ from the backup's: " + string.Join("; ", differences));
    }

    private async Task<(BackupTarget? Target, IServiceBackupEngine? Engine, string? Error)> ResolveAsync(Guid serviceId, CancellationToken ct)
    {
        var instance = await instances.GetAsync(serviceId, ct);
        if (instance is null)
        {
            return (null, null, "the service no longer exists");
        }

        if (instance.State != ServiceState.Running || string.IsNullOrEmpty(instance.ContainerId))
        {
            return (null, null, $"the service is not running ({instance.State.ToString().ToLowerInvariant()}); start it to back it up or restore it");
        }

        var engine = engines.For(instance.TemplateId);
        if (engine is null)
        {
            return (null, null, BackupEngines.NotSupported(instance.TemplateId));
        }

        var (inputs, _) = await instances.GetInputsAsync(serviceId, ct);
        return (new BackupTarget(instance.ContainerId, instance.TemplateId, inputs), engine, null);
    }

    /// <summary>
    /// Runs <paramref name="produce"/> into a pipe whose other end the store reads, so at most a few MiB are in memory.
    /// When either side fails the other is stopped, and the first real error is the one thrown.
    /// </summary>
    internal static async Task<long> StreamAsync(string key, IBackupStore store, Func<Stream, CancellationToken, Task> produce, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipePause, resumeWriterThreshold: PipePause / 2, useSynchronizationContext: false));
        var writer = Task.Run(async () =>
        {
            Exception? failure = null;
            try
            {
                await using var stream = pipe.Writer.AsStream(leaveOpen: true);
                await produce(stream, stop.Token);
                await stream.FlushAsync(stop.Token);
            }
            catch (Exception e)
            {
                failure = e;
                await stop.CancelAsync();
                throw;
            }
            finally
            {
                await pipe.Writer.CompleteAsync(failure);
            }
        }, CancellationToken.None);
        var reader = Task.Run(async () =>
        {
            Exception? failure = null;
            try
            {
                await using var stream = pipe.Reader.AsStream(leaveOpen: true);
                return await store.WriteAsync(key, stream, stop.Token);
            }
            catch (Exception e)
            {
                failure = e;
                await stop.CancelAsync();
                throw;
            }
            finally
            {
                await pipe.Reader.CompleteAsync(failure);
            }
        }, CancellationToken.None);

        try
        {
            await Task.WhenAll(writer, reader);
        }
        catch
        {
            // Both ended; report the cause, not the other side's cancellation.
            var errors = new[] { writer.Exception?.InnerException, reader.Exception?.InnerException }.Where(e => e is not null).ToList();
            var cause = errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault();
            if (cause is not null && !(cause is OperationCanceledException && ct.IsCancellationRequested))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cause).Throw();
            }

            throw;
        }

        return await reader;
    }

    private static BackupRunOutcome Failed(string reason) => new(BackupRunState.Failed, reason);
}
