using GoForge.Core.Catalog;
using GoForge.Core.Containers;

namespace GoForge.Core.Services;

/// <summary>
/// What services need from the engine besides <see cref="IContainerRuntime"/>, <see cref="IImagePuller"/> and
/// <see cref="IVolumeStore"/>: start/stop of an existing container, and health by the template's check. Failures are
/// <see cref="EngineException"/>s with the engine's message.
/// </summary>
public interface IServiceRuntime
{
    /// <summary>Starts the container; false when it no longer exists.</summary>
    Task<bool> StartAsync(string containerId, CancellationToken ct = default);

    /// <summary>Stops the container (gracefully, then by force); false when it no longer exists.</summary>
    Task<bool> StopAsync(string containerId, CancellationToken ct = default);

    /// <summary>
    /// Waits until the template's health check passes (exec: the engine's own health status; TCP: a connection; HTTP:
    /// a 2xx/3xx answer, both to the container's address on <paramref name="network"/>, the one the panel probes through:
    /// <see cref="ServiceContainers.ProbeNetworkOfAsync"/>), or, without a check, until it runs steadily. Gives up after
    /// <paramref name="timeout"/>, when the container exits, or at once, naming the network, when a TCP or HTTP check
    /// cannot reach it because the container is not on <paramref name="network"/>.
    /// </summary>
    Task<ServiceHealth> WaitHealthyAsync(string containerId, string network, TemplateHealthCheck? check, TimeSpan timeout, CancellationToken ct = default);
}

public sealed record ServiceHealth(bool IsHealthy, string Reason);
