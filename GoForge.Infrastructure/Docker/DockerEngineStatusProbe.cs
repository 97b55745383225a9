using GoForge.Core.Servers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Docker;

internal sealed class DockerEngineStatusProbe(
    DockerClientProvider docker,
    IOptions<DockerOptions> options,
    ILogger<DockerEngineStatusProbe> logger) : IEngineStatusProbe
{
    public async Task<EngineStatus> GetStatusAsync(CancellationToken ct = default)
    {
        var endpoint = docker.Endpoint.ToString();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            var version = await docker.Client.System.GetVersionAsync(timeout.Token);
            var info = await docker.Client.System.GetSystemInfoAsync(timeout.Token);
            return new EngineStatus
            {
                Reachable = true,
                Endpoint = endpoint,
                Version = version.Version,
                ApiVersion = version.APIVersion,
                OperatingSystem = info.OperatingSystem,
                ContainersRunning = (int)info.ContainersRunning,
                Images = (int)info.Images,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            InfrastructureLog.EngineUnreachable(logger, endpoint, ex.Message);
            return new EngineStatus
            {
                Reachable = false,
                Endpoint = endpoint,
                Error = ex is OperationCanceledException ? "The engine did not answer in time." : ex.Message,
            };
        }
    }
}
