using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Catalog;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Services;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Docker;

/// <summary>Images, named volumes, start/stop and template health checks for services, over the one cached client.</summary>
public sealed class DockerServiceRuntime(DockerClientProvider docker, IContainerRuntime containers, ILogger<DockerServiceRuntime> logger) : IServiceRuntime, IDisposable
{
    /// <summary>An unreachable engine, as the port's exception (<see cref="DockerErrors.GuardAsync{T}"/>).</summary>
    private static readonly Func<string, Exception, Exception> Unreachable = static (message, e) => new ServiceRuntimeException(message, e);

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

    public async Task EnsureImageAsync(string image, IProgress<ImagePullProgress>? progress, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
        if (await ImageExistsAsync(image, ct))
        {
            progress?.Report(new ImagePullProgress("Image is present", null, null));
            return;
        }

        var colon = image.LastIndexOf(':');
        var slash = image.LastIndexOf('/');
        var (repository, tag) = colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
        string? streamError = null;
        var relay = new Progress<JSONMessage>(m =>
        {
            if (m.Error is { } error)
            {
                streamError ??= error.Message;
                return;
            }

            progress?.Report(new ImagePullProgress(
                m.Status ?? string.Empty,
                m.Progress is { } p && p.Total > 0 ? p.Current : null,
                m.Progress is { } q && q.Total > 0 ? q.Total : null,
                string.IsNullOrEmpty(m.ID) ? null : m.ID));
        });
        logger.ImagePulling(image);
        try
        {
            await docker.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repository, Tag = tag }, null, relay, ct);
        }
        catch (DockerApiException e)
        {
            throw Unpullable(image, e.EngineMessage(), e);
        }
        catch (HttpRequestException e)
        {
            throw Unpullable(image, e.Message, e);
        }

        // The engine reports a failed pull in the stream, not by status; and a pull may "succeed" without the tag.
        if (streamError is not null || !await ImageExistsAsync(image, ct))
        {
            throw Unpullable(image, streamError ?? "the engine finished without the image", null);
        }

        logger.ImagePulled(image);
    }

    public Task EnsureVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(EnsureVolumeCoreAsync(name, labels, ct), Unreachable);

    private async Task EnsureVolumeCoreAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labels);
        try
        {
            await docker.Client.Volumes.InspectAsync(name, ct);
            return; // kept from an earlier instance or version: its data is the point
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // Created below.
        }

        try
        {
            await docker.Client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Driver = "local", Labels = labels.ToDictionary() }, ct);
            logger.VolumeCreated(name);
        }
        catch (DockerApiException e)
        {
            throw new ServiceRuntimeException($"The volume {name} could not be created: {e.EngineMessage()}", e);
        }
    }

    public Task RemoveVolumeAsync(string name, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(RemoveVolumeCoreAsync(name, ct), Unreachable);

    private async Task RemoveVolumeCoreAsync(string name, CancellationToken ct)
    {
        try
        {
            await docker.Client.Volumes.RemoveAsync(name, false, ct);
            logger.VolumeRemoved(name);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // Already gone.
        }
        catch (DockerApiException e)
        {
            throw new ServiceRuntimeException($"The volume {name} could not be removed: {e.EngineMessage()}", e);
        }
    }

    public Task<IReadOnlyList<string>> ListVolumesAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct = default) =>
        DockerErrors.GuardAsync(ListVolumesCoreAsync(labelFilter, ct), Unreachable);

    private async Task<IReadOnlyList<string>> ListVolumesCoreAsync(IReadOnlyDictionary<string, string> labelFilter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labelFilter);
        var response = await docker.Client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = labelFilter.ToDictionary(l => $"{l.Key}={l.Value}", _ => true),
            },
        }, ct);
        return response.Volumes?.Select(v => v.Name).ToList() ?? [];
    }

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
            throw new ServiceRuntimeException(e.EngineMessage(), e);
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
            throw new ServiceRuntimeException(e.EngineMessage(), e);
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
                (bool Ok, string Reason) probe = check.Kind switch
                {
                    HealthCheckKind.Exec => state.Health?.Status switch
                    {
                        "healthy" => (true, "the health command passed"),
                        "unhealthy" => (false, "unhealthy: " + (state.Health.Log?.LastOrDefault()?.Output?.Trim() ?? "the health command failed")),
                        var other => (false, $"health {other ?? "unknown"}"),
                    },
                    HealthCheckKind.Tcp => await ProbeTcpAsync(Address(container, network), check.Port ?? 0, ct),
                    HealthCheckKind.Http => await ProbeHttpAsync(Address(container, network), check.Port ?? 0, check.Path ?? "/", ct),
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

    private async Task<bool> ImageExistsAsync(string image, CancellationToken ct)
    {
        try
        {
            await docker.Client.Images.InspectImageAsync(image, ct);
            return true;
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            return false;
        }
        catch (Exception e) when (DockerErrors.IsUnreachable(e))
        {
            throw new ServiceRuntimeException($"The Docker engine is not reachable: {e.Message}", e);
        }
    }

    private static ServiceRuntimeException Unpullable(string image, string engineError, Exception? inner)
    {
        var message = $"The image {image} is not on this server and could not be pulled (no registry reachable, or no such image): {engineError}";
        return inner is null ? new ServiceRuntimeException(message) : new ServiceRuntimeException(message, inner);
    }

    private static string? Address(ContainerInspectResponse container, string network) =>
        container.NetworkSettings?.Networks is { } networks && networks.TryGetValue(network, out var endpoint) && !string.IsNullOrEmpty(endpoint.IPAddress)
            ? endpoint.IPAddress
            : null;

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
