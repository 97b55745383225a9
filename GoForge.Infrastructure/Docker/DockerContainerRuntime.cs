using System.Diagnostics;
using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ContainerSpec = GoForge.Core.Containers.ContainerSpec;
using CoreRestartPolicy = GoForge.Core.Projects.RestartPolicy;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// Application containers on user-defined bridge networks, probed over the container's own IP on the probe network
/// (<see cref="ProbeNetworkOptions"/>; without one, on its first network: the panel on the host reaches every bridge).
/// </summary>
public sealed class DockerContainerRuntime(
    DockerClientProvider docker,
    ILogger<DockerContainerRuntime> logger,
    IOptions<ProbeNetworkOptions>? probeNetwork = null) : IContainerRuntime, IDisposable
{
    /// <summary>An unreachable engine, as the port's exception (<see cref="DockerErrors.GuardAsync{T}"/>).</summary>
    private static readonly Func<string, Exception, Exception> Unreachable = static (message, e) => new EngineException(message, e);

    public const string ManagedLabel = GoForgeLabels.Managed;

    /// <summary>
    /// The label every image GoForge builds carries (the application's id). Images are marked by it rather than by
    /// <see cref="ManagedLabel"/>: each build label is its own build step, and one label fewer on every build is a
    /// step fewer on every redeploy.
    /// </summary>
    public const string ImageOwnerLabel = GoForgeLabels.App;
    private const int LogLinesKept = 30;
    private static readonly TimeSpan StableRunning = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The poll interval for the first <see cref="QuickPollFor"/>: most applications answer within it, and a start
    /// that is only waiting to be seen healthy (a same-commit redeploy, Apply) should not wait a whole interval more.
    /// </summary>
    private static readonly TimeSpan QuickPollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan QuickPollFor = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient _probe = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        // Container IPs are reused by later containers; never keep a connection to an old one.
        PooledConnectionLifetime = TimeSpan.Zero,
    })
    {
        Timeout = ProbeTimeout,
    };

    public Task<string> CreateAndStartAsync(ContainerSpec spec, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(CreateAndStartCoreAsync(spec, ct), Unreachable);

    private async Task<string> CreateAndStartCoreAsync(ContainerSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        await ImageLabelGuard.EnsureAllowedAsync(docker.Client, spec, logger, ct);
        // The container's own network is never created here: Core ensured it, owned, and passes its id.
        var port = $"{spec.ContainerPort.ToString(CultureInfo.InvariantCulture)}/tcp";
        var parameters = new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            Env = spec.Env.Select(e => $"{e.Key}={e.Value}").ToList(),
            Labels = spec.Labels.ToDictionary(),
            ExposedPorts = new Dictionary<string, EmptyStruct> { [port] = default },
            HostConfig = new HostConfig
            {
                NetworkMode = spec.Network,
                Memory = spec.MemoryLimitMb is { } mb ? mb * 1024L * 1024L : 0,
                NanoCPUs = spec.CpuLimit is { } cpus ? (long)(cpus * 1_000_000_000) : 0,
                RestartPolicy = new global::Docker.DotNet.Models.RestartPolicy { Name = ToDocker(spec.RestartPolicy) },
                PidsLimit = spec.PidsLimit,
                CapDrop = GoForge.Core.Projects.ContainerHardening.CapabilitiesDropped(spec.AllowRawSockets).ToList(),
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [spec.Network] = new() },
            },
        };
        AddServiceSettings(spec, parameters);

        string id;
        try
        {
            id = (await docker.Client.Containers.CreateContainerAsync(parameters, ct)).ID;
        }
        catch (DockerApiException e)
        {
            throw new EngineException(e.EngineMessage(), e);
        }

        foreach (var extra in new[] { spec.AliasNetwork, spec.ProxyNetwork, spec.ProbeNetwork }.OfType<string>().Where(n => n != spec.Network).Distinct(StringComparer.Ordinal))
        {
            try
            {
                // A container is created on one network; the alias's, the proxy's and the probe's are joined before it starts.
                var endpoint = extra == spec.AliasNetwork && spec.NetworkAlias is { } aliased ? new EndpointSettings { Aliases = [aliased] } : null;
                await docker.Client.Networks.ConnectNetworkAsync(extra, new NetworkConnectParameters { Container = id, EndpointConfig = endpoint }, ct);
            }
            catch (Exception e) when (e is DockerApiException or OperationCanceledException)
            {
                await RemoveQuietlyAsync(id);
                throw e is DockerApiException api ? new EngineException(api.EngineMessage(), api) : e;
            }
        }

        try
        {
            await docker.Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct);
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException)
        {
            // A created but never started container would block the name for the next attempt.
            await RemoveQuietlyAsync(id);
            if (e is DockerApiException api)
            {
                throw new EngineException(api.EngineMessage(), api);
            }

            throw;
        }

        logger.ContainerStarted(spec.Name, id, spec.Image, spec.Network);
        return id;
    }

    public Task<ContainerHealth> WaitHealthyAsync(string containerId, string? healthCheckPath, int port, TimeSpan timeout, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(WaitHealthyCoreAsync(containerId, healthCheckPath, port, timeout, ct), Unreachable);

    private async Task<ContainerHealth> WaitHealthyCoreAsync(string containerId, string? healthCheckPath, int port, TimeSpan timeout, CancellationToken ct)
    {
        var elapsed = Stopwatch.StartNew();
        string lastReason = "not yet checked";
        string? runningSince = null;
        TimeSpan runningSeenAt = default;
        long? restartCount = null;
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
                return await UnhealthyAsync(containerId, "the container no longer exists", ct);
            }

            if (container.State is not { } state)
            {
                throw new EngineException($"The engine reported no state for container {new ShortId(containerId)}.");
            }

            if (state.Status is "exited" or "dead")
            {
                return await UnhealthyAsync(containerId, $"the container exited with code {state.ExitCode.ToString(CultureInfo.InvariantCulture)}", ct);
            }

            restartCount ??= container.RestartCount;
            if (state.Restarting || container.RestartCount != restartCount)
            {
                return await UnhealthyAsync(containerId, "the container is restarting (it exited)", ct);
            }

            if (state.Running)
            {
                if (string.IsNullOrEmpty(healthCheckPath))
                {
                    if (runningSince != state.StartedAt)
                    {
                        runningSince = state.StartedAt;
                        runningSeenAt = elapsed.Elapsed;
                    }
                    else if (elapsed.Elapsed - runningSeenAt >= StableRunning)
                    {
                        return Healthy(containerId, $"running for {StableRunning.TotalSeconds:0} s without restarting");
                    }

                    lastReason = "running, not yet for 2 s";
                }
                else
                {
                    var (ok, reason, final) = await ProbeAsync(container, healthCheckPath, port, ct);
                    if (ok)
                    {
                        return Healthy(containerId, reason);
                    }

                    if (final)
                    {
                        return await UnhealthyAsync(containerId, reason, ct);
                    }

                    lastReason = reason;
                }
            }
            else
            {
                lastReason = $"the container is {state.Status}";
            }

            var left = timeout - elapsed.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return await UnhealthyAsync(containerId, $"not healthy within {timeout.TotalSeconds:0.#} s: {lastReason}", ct);
            }

            var interval = elapsed.Elapsed < QuickPollFor ? QuickPollInterval : PollInterval;
            await Task.Delay(left < interval ? left : interval, ct);
        }
    }

    public Task<string?> AddressAsync(string containerId, string network, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(AddressCoreAsync(containerId, network, ct), Unreachable);

    private async Task<string?> AddressCoreAsync(string containerId, string network, CancellationToken ct)
    {
        try
        {
            var container = await docker.Client.Containers.InspectContainerAsync(containerId, ct);
            return ContainerEndpoints.Address(ContainerEndpoints.On(container, network));
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    public Task StopAndRemoveAsync(string containerId, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(StopAndRemoveCoreAsync(containerId, ct), Unreachable);

    private async Task StopAndRemoveCoreAsync(string containerId, CancellationToken ct)
    {
        try
        {
            await docker.Client.Containers.StopContainerAsync(containerId, new ContainerStopParameters { WaitBeforeKillSeconds = 10 }, ct);
            await docker.Client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Removal already in progress (e.g. an auto-remove container): it is going away either way.
            return;
        }

        logger.ContainerRemoved(containerId);
    }

    public Task RemoveImageAsync(string tag, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(RemoveImageCoreAsync(tag, ct), Unreachable);

    private async Task RemoveImageCoreAsync(string tag, CancellationToken ct)
    {
        try
        {
            // Never an image GoForge did not build, whatever the caller passes.
            var image = await docker.Client.Images.InspectImageAsync(tag, ct);
            if (image.Config?.Labels is not { } labels || !labels.TryGetValue(ImageOwnerLabel, out var owner) || string.IsNullOrEmpty(owner))
            {
                throw new EngineException($"The image {tag} was not built by GoForge; it is left alone.");
            }

            await docker.Client.Images.DeleteImageAsync(tag, new ImageDeleteParameters { NoPrune = false }, ct);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return;
        }
        catch (DockerApiException e)
        {
            throw new EngineException(e.EngineMessage(), e);
        }

        logger.ImageRemoved(tag);
    }

    public Task<IReadOnlyList<string>> ListContainersAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ListContainersCoreAsync(labelFilter, ct), Unreachable);

    private async Task<IReadOnlyList<string>> ListContainersCoreAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct) =>
        (await docker.Client.Containers.ListContainersAsync(AllLabelled(labelFilter), ct)).Select(c => c.ID).ToList();

    /// <summary>Every container, running or not, carrying all of <paramref name="labelFilter"/>.</summary>
    private static ContainersListParameters AllLabelled(IReadOnlyDictionary<string, string> labelFilter)
    {
        ArgumentNullException.ThrowIfNull(labelFilter);
        return new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = labelFilter.ToDictionary(l => $"{l.Key}={l.Value}", _ => true),
            },
        };
    }

    public Task<IReadOnlyList<EngineContainer>> ListLabelledAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ListLabelledCoreAsync(labelFilter, ct), Unreachable);

    private async Task<IReadOnlyList<EngineContainer>> ListLabelledCoreAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct)
    {
        var containers = await docker.Client.Containers.ListContainersAsync(AllLabelled(labelFilter), ct);
        return containers.Select(c => new EngineContainer(
            c.ID,
            c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID,
            c.Labels?.ToDictionary(StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal),
            c.State ?? "unknown",
            c.NetworkSettings?.Networks?.Values.Select(n => n.IPAddress).Where(a => !string.IsNullOrEmpty(a)).ToList() ?? [])).ToList();
    }

    public void Dispose() => _probe.Dispose();

    /// <summary>What services add to a container: their command, named volumes, a host name alias and an exec health check. Unset, the request is as before.</summary>
    private static void AddServiceSettings(ContainerSpec spec, CreateContainerParameters parameters)
    {
        if (spec.Command.Count > 0)
        {
            parameters.Cmd = spec.Command.ToList();
        }

        if (spec.Init && parameters.HostConfig is { } hostConfig)
        {
            hostConfig.Init = true;
        }

        if (spec.Volumes.Count > 0 && parameters.HostConfig is { } host)
        {
            host.Mounts = spec.Volumes.Select(v => new Mount { Type = v.Bind ? "bind" : "volume", Source = v.Name, Target = v.MountPath, ReadOnly = v.ReadOnly }).ToList();
        }

        if (spec.NetworkAlias is { } alias && (spec.AliasNetwork is null || spec.AliasNetwork == spec.Network) && parameters.NetworkingConfig?.EndpointsConfig is { } endpoints)
        {
            endpoints[spec.Network].Aliases = [alias];
        }

        DockerContainerExtras.Apply(spec, parameters);
        if (spec.ExecHealthCheck is { } check)
        {
            parameters.Healthcheck = new HealthcheckConfig
            {
                Test = ["CMD", .. check.Command],
                Interval = check.Interval,
                Timeout = check.Timeout,
                Retries = check.Retries,
                StartPeriod = check.StartPeriod,
            };
        }
    }

    /// <returns><c>Final</c>: the probe can never pass (the container is not on the probe network), so waiting is pointless.</returns>
    private async Task<(bool Ok, string Reason, bool Final)> ProbeAsync(ContainerInspectResponse container, string path, int port, CancellationToken ct)
    {
        var (ip, refusal) = ContainerEndpoints.ProbeTarget(container, probeNetwork?.Value.ProbeNetwork);
        if (refusal is not null)
        {
            return (false, refusal, true);
        }

        if (ip is null)
        {
            return (false, "the container has no IP address yet", false);
        }

        var url = new UriBuilder("http", ip, port, path.StartsWith('/') ? path : "/" + path).Uri;
        try
        {
            using var response = await _probe.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            var code = (int)response.StatusCode;
            var reason = $"GET {url.PathAndQuery} answered {code.ToString(CultureInfo.InvariantCulture)}";
            return (code is >= 200 and < 400, reason, false);
        }
        catch (HttpRequestException e)
        {
            return (false, $"GET {url.PathAndQuery} failed: {e.Message}", false);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, $"GET {url.PathAndQuery} got no answer within {ProbeTimeout.TotalSeconds:0} s", false);
        }
    }

    private ContainerHealth Healthy(string containerId, string reason)
    {
        logger.ContainerHealthy(containerId, reason);
        return new ContainerHealth(ContainerHealthStatus.Healthy, reason, []);
    }

    private async Task<ContainerHealth> UnhealthyAsync(string containerId, string reason, CancellationToken ct)
    {
        logger.ContainerUnhealthy(containerId, reason);
        return new ContainerHealth(ContainerHealthStatus.Unhealthy, reason, await LastLogLinesAsync(containerId, ct));
    }

    private Task<IReadOnlyList<string>> LastLogLinesAsync(string containerId, CancellationToken ct) =>
        ContainerLogTail.ReadAsync(docker.Client, containerId, LogLinesKept, ct);

    private async Task RemoveQuietlyAsync(string containerId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await docker.Client.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true }, timeout.Token);
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or HttpRequestException)
        {
            // Best effort: the original failure is the one worth reporting.
        }
    }

    private static RestartPolicyKind ToDocker(CoreRestartPolicy policy) => policy switch
    {
        CoreRestartPolicy.UnlessStopped => RestartPolicyKind.UnlessStopped,
        CoreRestartPolicy.Always => RestartPolicyKind.Always,
        CoreRestartPolicy.OnFailure => RestartPolicyKind.OnFailure,
        CoreRestartPolicy.No => RestartPolicyKind.No,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };
}
