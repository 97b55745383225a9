namespace GoForge.Core.Common.Work;

/// <summary>
/// The gate the reconciler (Reconciliation) waits at on start: the deployment worker and the service worker each say when their
/// database recovery (failing what the last run left in flight) is done, so the first pass sees settled states.
/// </summary>
public sealed class StartupRecovery
{
    private readonly TaskCompletionSource _deployments = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _services = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once both workers recovered (or gave up trying: a failed recovery leaves states active, which the reconciler skips).</summary>
    public Task Completed => Task.WhenAll(_deployments.Task, _services.Task);

    public void DeploymentsRecovered() => _deployments.TrySetResult();

    public void ServicesRecovered() => _services.TrySetResult();
}
