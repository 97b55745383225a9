using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Catalog;
using GoForge.Core.Containers;
using GoForge.Core.Services;

namespace GoForge.Infrastructure.Docker;

/// <summary>Start/stop and template health checks for services, over the one cached client.</summary>
public sealed class DockerServiceRuntime(DockerClientProvider docker, IContainerRuntime containers) : IServiceRuntime, IDisposable
{
    /// <summary>An unreachable engine, as the port's exception (<see cref="DockerErrors.GuardAsync{T}"/>).</summary>
    private static readonly Func<string, Exception, Exception> Unreachable = static (message, e) => new EngineException(message, e);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient _probe = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.Zero,
    })
    {
        Timeout = ProbeTimeout,
    };

    public Task<bool> StartAsync(string containerId, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(StartCoreAsync(containerId, ct), Unreachable);

    private async Task<bool> StartCoreAsync(string containerId, CancellationToken ct)
    {
        try
        {
            await docker.Client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), ct);
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

    public Task<bool> StopAsync(string containerId, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(StopCoreAsync(containerId, ct), Unreachable);

    private async Task<bool> StopCoreAsync(string containerId, CancellationToken ct)
    {
        try
        {
            await docker.Client.Containers.StopContainerAsync(containerId, new ContainerStopParameters { WaitBeforeKillSeconds = 10 }, ct);
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

    public Task<ServiceHealth> WaitHealthyAsync(string containerId, string network, TemplateHealthCheck? check, TimeSpan timeout, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(WaitHealthyCoreAsync(containerId, network, check, timeout, ct), Unreachable);

    private async Task<ServiceHealth> WaitHealthyCoreAsync(string containerId, string network, TemplateHealthCheck? check, TimeSpan timeout, CancellationToken ct)
    {
        if (check is null)
        {
            var steady = await containers.WaitHealthyAsync(containerId, null, 0, timeout, ct);
            return new ServiceHealth(steady.IsHealthy, steady.Reason);
        }

        var elapsed = Stopwatch.StartNew();
        var lastReason = "not yet checked";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            ContainerInspectResponse container;
            try
            {
                container = await docker.Client.Containers.InspectContainerAsync(containerId, ct);
            }
            catch (DockerApiException e) when (e.IsNotFound())
            {
                return new ServiceHealth(false, "the container no longer exists");
            }

            var state = container.State;
            if (state is null || state.Status is "exited" or "dead")
            {
                return new ServiceHealth(false, $"the container exited with code {(state?.ExitCode ?? -1).ToString(CultureInfo.InvariantCulture)}");
            }

            if (state.Running)
            {
                var (address, refusal) = ContainerEndpoints.ProbeTarget(container, network);
                if (check.Kind is HealthCheckKind.Tcp or HealthCheckKind.Http && refusal is not null)
                {
                    return new ServiceHealth(false, refusal);
                }

                (bool Ok, string Reason) probe = check.Kind switch
                {
                    HealthCheckKind.Exec => state.Health?.Status switch
                    {
                        "healthy" => (true, "the health command passed"),
                        "unhealthy" => (false, "unhealthy: " + (state.Health.Log?.LastOrDefault()?.Output?.Trim() ?? "the health command failed")),
                        var other => (false, $"health {other ?? "unknown"}"),
                    },
                    HealthCheckKind.Tcp => await ProbeTcpAsync(address, check.Port ?? 0, ct),
                    HealthCheckKind.Http => await ProbeHttpAsync(address, check.Port ?? 0, check.Path ?? "/", ct),
                    _ => throw new ArgumentOutOfRangeException(nameof(check), check.Kind, null),
                };
                if (probe.Ok)
                {
                    return new ServiceHealth(true, probe.Reason);
                }

                if (check.Kind == HealthCheckKind.Exec && state.Health?.Status == "unhealthy")
                {
                    return new ServiceHealth(false, probe.Reason);
                }

                lastReason = probe.Reason;
            }
            else
            {
                lastReason = $"the container is {state.Status}";
            }

            var left = timeout - elapsed.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return new ServiceHealth(false, $"not healthy within {timeout.TotalSeconds:0.#} s: {lastReason}");
            }

            await Task.Delay(left < PollInterval ? left : PollInterval, ct);
        }
    }

    public void Dispose() => _probe.Dispose();

    private static async Task<(bool Ok, string Reason)> ProbeTcpAsync(string? address, int port, CancellationToken ct)
    {
        if (address is null)
        {
            return (false, "the container has no address yet");
        }

        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await client.ConnectAsync(address, port, timeout.Token);
            return (true, $"port {port.ToString(CultureInfo.InvariantCulture)} accepts connections");
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return (false, $"port {port.ToString(CultureInfo.InvariantCulture)} refused or did not answer");
        }
    }

    private async Task<(bool Ok, string Reason)> ProbeHttpAsync(string? address, int port, string path, CancellationToken ct)
    {
        if (address is null)
        {
            return (false, "the container has no address yet");
        }

        var url = new UriBuilder("http", address, port, path).Uri;
        try
        {
            using var response = await _probe.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            var code = (int)response.StatusCode;
            return (code is >= 200 and < 400, $"GET {url.PathAndQuery} answered {code.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (HttpRequestException e)
        {
            return (false, $"GET {url.PathAndQuery} failed: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, $"GET {url.PathAndQuery} got no answer");
        }
    }
}
