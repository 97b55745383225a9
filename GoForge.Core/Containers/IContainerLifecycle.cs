namespace GoForge.Core.Containers;

/// <summary>
/// Stop, start and restart of an existing application container, and whether an image is still on the engine (for
/// a same-commit redeploy, docs/deployments/apply-and-stop.md). Failures are <see cref="EngineException"/>s with the
/// engine's message; a missing container or image is a result, not an error.
/// </summary>
public interface IContainerLifecycle
{
    /// <summary>Stops the container (gracefully, then by force); false when it no longer exists.</summary>
    Task<bool> StopAsync(string containerId, CancellationToken ct = default);

    /// <summary>Starts the stopped container; false when it no longer exists.</summary>
    Task<bool> StartAsync(string containerId, CancellationToken ct = default);

    /// <summary>The engine's restart of the container (the same container: stop, then start); false when it no longer exists.</summary>
    Task<bool> RestartAsync(string containerId, CancellationToken ct = default);

    /// <summary>Whether the engine still holds the image <paramref name="tag"/>.</summary>
    Task<bool> ImageExistsAsync(string tag, CancellationToken ct = default);
}
