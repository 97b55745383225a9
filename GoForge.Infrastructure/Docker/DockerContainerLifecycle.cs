using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;

namespace GoForge.Infrastructure.Docker;

/// <summary>Stop, start, restart of an application container and the image check, over the one cached client.</summary>
public sealed class DockerContainerLifecycle(DockerClientProvider docker) : IContainerLifecycle
{
    /// <summary>As long as a deploy's retirement of a container gives it to stop gracefully.</summary>
    private const uint GracefulStopSeconds = 10;

    private static readonly Func<string, Exception, Exception> Unreachable = static (message, e) => new EngineException(message, e);

    public Task<bool> StopAsync(string containerId, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ExistsAfterAsync(() => docker.Client.Containers.StopContainerAsync(containerId,
            new ContainerStopParameters { WaitBeforeKillSeconds = GracefulStopSeconds }, ct)), Unreachable);

    public Task<bool> StartAsync(string containerId, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ExistsAfterAsync(() => docker.Client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), ct)), Unreachable);

    public Task<bool> RestartAsync(string containerId, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ExistsAfterAsync(() => docker.Client.Containers.RestartContainerAsync(containerId,
            new ContainerRestartParameters { WaitBeforeKillSeconds = GracefulStopSeconds }, ct)), Unreachable);

    public Task<bool> ImageExistsAsync(string tag, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ExistsAfterAsync(() => docker.Client.Images.InspectImageAsync(tag, ct)), Unreachable);

    /// <summary>True once the call succeeds, false when the engine says the container or image does not exist.</summary>
    private static async Task<bool> ExistsAfterAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return false;
        }
        catch (DockerApiException e)
        {
            throw new EngineException(e.EngineMessage(), e);
        }
    }
}
