using GoForge.Core.Catalog;
using GoForge.Core.Containers;

namespace GoForge.Core.Services;

/// <summary>
/// What services need from the engine besides <see cref="IContainerRuntime"/>: images (present or pulled),
/// named volumes, start/stop of an existing container, and health by the template's check.
/// </summary>
public interface IServiceRuntime
{
    /// <summary>
    /// Makes sure <paramref name="image"/> is on the engine, pulling it when missing and reporting each pull step. Throws
    /// <see cref="ServiceRuntimeException"/> with a clear message when it is missing and cannot be pulled.
    /// </summary>
    Task EnsureImageAsync(string image, IProgress<ImagePullProgress>? progress, CancellationToken ct = default);

    /// <summary>Creates the named volume with its labels unless it exists (an existing one is reused as it is).</summary>
    Task EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default);

    /// <summary>Removes the volume; a missing one is not an error.</summary>
    Task RemoveVolumeAsync(string name, CancellationToken ct = default);

    /// <summary>Names of the volumes carrying every label in <paramref name="labelFilter"/>.</summary>
    Task<IReadOnlyList<string>> ListVolumesAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default);

    /// <summary>Starts the container; false when it no longer exists.</summary>
    Task<bool> StartAsync(string containerId, CancellationToken ct = default);

    /// <summary>Stops the container (gracefully, then by force); false when it no longer exists.</summary>
    Task<bool> StopAsync(string containerId, CancellationToken ct = default);

    /// <summary>
    /// Waits until the template's health check passes (exec: the engine's own health status; TCP: a connection; HTTP:
    /// a 2xx/3xx answer, both to the container's address on <paramref name="network"/>), or, without a check, until it
    /// runs steadily. Gives up after <paramref name="timeout"/> or when the container exits.
    /// </summary>
    Task<ServiceHealth> WaitHealthyAsync(string containerId, string network, TemplateHealthCheck? check, TimeSpan timeout, CancellationToken ct = default);
}

public sealed record ServiceHealth(bool IsHealthy, string Reason);

/// <summary>The engine refused a service operation; the message says what and why, and is shown to the user.</summary>
public sealed class ServiceRuntimeException : Exception
{
    public ServiceRuntimeException()
        : this("The service operation failed.")
    {
    }

    public ServiceRuntimeException(string message)
        : base(message)
    {
    }

    public ServiceRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
