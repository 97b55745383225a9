using GoForge.Infrastructure.Operations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Docker;

/// <summary>Ready when the Docker engine GoForge deploys to answers a ping (<c>GET /_ping</c>) within the time-out.</summary>
internal sealed class DockerHealthCheck(DockerClientProvider docker, IOptions<ReadinessOptions> options) : IHealthCheck
{
    public const string Name = "docker";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            await docker.Client.System.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy($"The engine at {docker.Endpoint} answers.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The engine at {docker.Endpoint} did not answer within {options.Value.Timeout.TotalSeconds:0.###} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any transport failure (no socket, refused, bad answer) means not ready; the engine's own words are kept.
            return new HealthCheckResult(context.Registration.FailureStatus, $"The engine at {docker.Endpoint} is unreachable: {e.Message}");
        }
    }
}
