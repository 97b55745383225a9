using GoForge.Core.Common.Work;
using GoForge.Core.Monitoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Reconciliation;

/// <summary>
/// Runs the <see cref="Reconciler"/>: first once the workers' start-up recovery is done (<see cref="StartupRecovery"/>),
/// then every <see cref="ReconcilerOptions.Interval"/>, and at once whenever the engine's events stream connects again
/// (the <see cref="ContainerStateTracker"/> reports it). A failed pass is logged; the loop goes on.
/// </summary>
public sealed class ReconcilerWorker(
    Reconciler reconciler,
    StartupRecovery recovery,
    ReconcileSignal signal,
    ContainerStateTracker tracker,
    IOptions<ReconcilerOptions> options,
    ILogger<ReconcilerWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wasConnected = tracker.EngineConnected;
        using var reconnects = tracker.Subscribe(change =>
        {
            // Only a connection change (no container): a reconnect after the engine was away wakes a pass.
            if (change.Container is null && change.EngineConnected && !wasConnected)
            {
                signal.Wake();
            }

            if (change.Container is null)
            {
                wasConnected = change.EngineConnected;
            }
        });

        try
        {
            await recovery.Completed.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await reconciler.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.PassFailed(e);
            }

            try
            {
                await signal.WaitAsync(options.Value.Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
