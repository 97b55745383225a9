namespace GoForge.Core.Containers;

/// <summary>
/// Waits on a container's own state as the engine reports it, for a compose service's <c>depends_on</c> conditions and
/// its engine health check (docs/deployments/compose.md). Both return the container's last log lines when it failed.
/// </summary>
public interface IContainerWaits
{
    /// <summary>
    /// Waits until the engine reports the container's health check healthy. A container that exits, restarts, or is
    /// reported unhealthy is unhealthy at once; one without a health check is unhealthy too (nothing would ever say so).
    /// </summary>
    Task<ContainerHealth> WaitEngineHealthyAsync(string containerId, TimeSpan timeout, CancellationToken ct = default);

    /// <summary>Waits until the container has exited; healthy when its exit code is 0, unhealthy (with the code) otherwise or on time-out.</summary>
    Task<ContainerHealth> WaitExitedSuccessfullyAsync(string containerId, TimeSpan timeout, CancellationToken ct = default);
}
