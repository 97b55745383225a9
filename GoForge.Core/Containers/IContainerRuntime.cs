namespace GoForge.Core.Containers;

/// <summary>Runs, probes and removes application containers.</summary>
public interface IContainerRuntime
{
    /// <summary>
    /// Creates the container described by <paramref name="spec"/> on its network (created if missing) and starts it;
    /// returns the container id. Throws <see cref="EngineException"/> with the engine's message on failure, and before
    /// creating anything when the image carries a label the container must not inherit (<see cref="ReservedImageLabels"/>).
    /// </summary>
    Task<string> CreateAndStartAsync(ContainerSpec spec, CancellationToken ct = default);

    /// <summary>
    /// Waits until the container is healthy or <paramref name="timeout"/> passes. With a <paramref name="healthCheckPath"/>
    /// healthy means an HTTP 2xx/3xx answer from <c>http://&lt;container ip&gt;:&lt;port&gt;&lt;path&gt;</c>; without one,
    /// running for 2 s without restarting. A container that exits or restarts is unhealthy at once.
    /// </summary>
    Task<ContainerHealth> WaitHealthyAsync(string containerId, string? healthCheckPath, int port, TimeSpan timeout, CancellationToken ct = default);

    /// <summary>The container's IP address on <paramref name="network"/>; null when it is not attached there.</summary>
    Task<string?> AddressAsync(string containerId, string network, CancellationToken ct = default);

    /// <summary>Stops (gracefully, then by force) and removes the container; a missing container is not an error.</summary>
    Task StopAndRemoveAsync(string containerId, CancellationToken ct = default);

    /// <summary>Removes the image tag; a missing image is not an error. Refuses (<see cref="EngineException"/>) an image without the <c>goforge.app</c> label that GoForge puts on every image it builds.</summary>
    Task RemoveImageAsync(string tag, CancellationToken ct = default);

    /// <summary>Ids of all containers (running or not) carrying every label in <paramref name="labelFilter"/>.</summary>
    Task<IReadOnlyList<string>> ListContainersAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default);

    /// <summary>
    /// All containers (running or not) carrying every label in <paramref name="labelFilter"/>, as one engine listing
    /// reports them: id, name, labels, state and addresses; no inspect per container.
    /// </summary>
    Task<IReadOnlyList<EngineContainer>> ListLabelledAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default);
}

/// <summary>A container as the engine's listing shows it.</summary>
/// <param name="Name">Without the engine's leading slash.</param>
/// <param name="State">The engine's word: created, running, paused, restarting, removing, exited or dead.</param>
/// <param name="Addresses">Its IP address on each network it is attached to (empty when it has none, e.g. stopped).</param>
public sealed record EngineContainer(string Id, string Name, IReadOnlyDictionary<string, string> Labels, string State, IReadOnlyList<string> Addresses)
{
    public bool IsRunning => State is "running" or "restarting";

    public string? Label(string key) => Labels.TryGetValue(key, out var value) ? value : null;

    /// <summary>The id in label <paramref name="key"/>; null when missing or not a uuid.</summary>
    public Guid? IdLabel(string key) => Guid.TryParse(Label(key), out var id) ? id : null;
}

public enum ContainerHealthStatus
{
    Healthy,
    Unhealthy,
}

/// <summary>The outcome of a health wait: why, and the container's last log lines (for the deployment log).</summary>
public sealed record ContainerHealth(ContainerHealthStatus Status, string Reason, IReadOnlyList<string> LastLogLines)
{
    public bool IsHealthy => Status == ContainerHealthStatus.Healthy;
}
