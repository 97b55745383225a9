using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Servers;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Docker.Swarm;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Swarm;

/// <summary>
/// One real three-node swarm (<see cref="SwarmCluster"/>: a manager and two workers) shared by a test class, with the two
/// releases of the test image on every node (saved from the tests' engine, loaded into each node's: no registry), the
/// Swarm adapters driving the manager, one environment's overlay network made by GoForge, and a probe container on that
/// network (on the manager) that reaches the tasks at their overlay addresses, as the proxy will.
/// </summary>
public sealed class SwarmServicesCluster : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly DockerFixture _source = new();
    private SwarmCluster? _cluster;
    private DockerClientProvider? _provider;
    private DockerSwarmServices? _services;
    private DockerSwarmEngine? _engine;
    private OwnedNetwork? _network;
    private string? _probeId;

    public SwarmCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public ISwarmServices Services => _services ?? throw new InvalidOperationException("Not started.");

    public ISwarmEngine Engine => _engine ?? throw new InvalidOperationException("Not started.");

    /// <summary>The environment's overlay network, made by <see cref="ISwarmServices.EnsureNetworkAsync"/>.</summary>
    public OwnedNetwork Network => _network ?? throw new InvalidOperationException("Not started.");

    public Guid ProjectId { get; } = Guid.NewGuid();

    public Guid EnvironmentId { get; } = Guid.NewGuid();

    /// <summary>The image id of the release that answers "hello".</summary>
    public string Release1 { get; private set; } = "";

    /// <summary>The image id of the release that answers "release2".</summary>
    public string Release2 { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var ct = timeout.Token;
        await _source.InitializeAsync();
        var release1 = await BusyboxImage.EnsureAsync(_source.Client, ct);
        var release2 = await BusyboxImage.EnsureVariantAsync(_source.Client, "release2", ct);
        _cluster = await SwarmCluster.StartAsync(workers: 2, ct);
        await _cluster.LoadImagesAsync(_source.Client, [release1, release2], ct);
        // By image id: a node that has the image runs it without asking a registry (there is none here).
        Release1 = (await Cluster.Manager.Client.Images.InspectImageAsync(release1, ct)).ID;
        Release2 = (await Cluster.Manager.Client.Images.InspectImageAsync(release2, ct)).ID;
        if (Release1 == Release2)
        {
            throw new InvalidOperationException($"{release2} is the same image as {release1} ({Release1}): an update to it would change nothing.");
        }

        _provider = new DockerClientProvider(Options.Create(new DockerOptions { Endpoint = Cluster.Manager.Endpoint }));
        _services = new DockerSwarmServices(_provider, TestInstallation.Identity(), NullLogger<DockerSwarmServices>.Instance);
        _engine = new DockerSwarmEngine(_provider);
        _network = await Services.EnsureNetworkAsync(ProjectId, EnvironmentId, encrypted: false, ct);

        var probe = await Cluster.Manager.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"probe-{Guid.NewGuid():N}",
            Image = release1,
            HostConfig = new HostConfig { NetworkMode = Network.Name },
        }, ct);
        _probeId = probe.ID;
        await Cluster.Manager.Client.Containers.StartContainerAsync(probe.ID, new ContainerStartParameters(), ct);
    }

    /// <summary>What the probe gets from <c>http://<paramref name="host"/>:8080/</c> over the overlay network, or null when nothing answers.</summary>
    public async Task<string?> GetAsync(string host, CancellationToken ct)
    {
        var (exitCode, output) = await ContainerExec.RunAsync(
            Cluster.Manager.Client,
            _probeId ?? throw new InvalidOperationException("Not started."),
            // busybox's static wget crashes on its own -T: its time-out is busybox's timeout.
            ["timeout", "3", "wget", "-q", "-O", "-", $"http://{host}:{BusyboxImage.Port}/"],
            ct);
        return exitCode == 0 ? output.Trim() : null;
    }

    /// <summary>Waits until <paramref name="host"/> answers <paramref name="expected"/> over the overlay network (an address needs a moment to be routed).</summary>
    public async Task AssertAnswersAsync(string host, string expected, CancellationToken ct)
    {
        string? answer = null;
        try
        {
            await Wait.UntilAsync(async () => (answer = await GetAsync(host, ct)) == expected, $"{host} answering {expected} over the overlay network");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last answer: {answer ?? "none"}.\n{Cluster.LogTails(10)}", e);
        }
    }

    /// <summary>The engine's health check log of the service's newest task that has a container (for failure messages).</summary>
    public async Task<string> HealthLogAsync(string serviceId, CancellationToken ct)
    {
        var tasks = await Cluster.Manager.Client.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceId] = true } },
        }, ct);
        foreach (var task in tasks.Where(t => !string.IsNullOrEmpty(t.Status?.ContainerStatus?.ContainerID)).OrderByDescending(t => t.CreatedAt))
        {
            foreach (var node in Cluster.Nodes)
            {
                if (await node.IdAsync(ct) == task.NodeID)
                {
                    try
                    {
                        var container = await node.Client.Containers.InspectContainerAsync(task.Status!.ContainerStatus!.ContainerID, ct);
                        return $"health of {task.ID} on {node.Name}: {container.State?.Health?.Status}: " +
                            string.Join(" | ", (container.State?.Health?.Log ?? []).Select(l => $"{l.ExitCode} {l.Output?.Trim()}"));
                    }
                    catch (global::Docker.DotNet.DockerApiException e)
                    {
                        return $"{task.ID}: {e.Message}";
                    }
                }
            }
        }

        return "no task has a container";
    }

    /// <summary>A GoForge spec of the test image: its page is checked by the engine (wget), small limits, a quick update monitor.</summary>
    public SwarmServiceSpec Spec(Guid applicationId, string image, int replicas, string healthPath = "/") => new()
    {
        Name = EngineNames.SwarmService(applicationId, "web"),
        Image = image,
        Replicas = replicas,
        Owner = SwarmOwners.Service(ProjectId, EnvironmentId, applicationId),
        Labels = new Dictionary<string, string> { [GoForgeLabels.Deployment] = Guid.NewGuid().ToString() },
        Environment = new Dictionary<string, string> { ["GREETING"] = "hello" },
        ContainerPort = BusyboxImage.Port,
        HealthCheck = new SwarmHealthCheck(healthPath, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 2, TimeSpan.Zero),
        NanoCpus = 250_000_000,
        MemoryBytes = 64L * 1024 * 1024,
        Update = SwarmUpdatePolicy.StartFirst with { Monitor = TimeSpan.FromSeconds(2) },
        NetworkIds = [Network.Id],
    };

    public async Task DisposeAsync()
    {
        _provider?.Dispose();
        // The probe, the services and the networks go with the nodes' engines and folders.
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await _source.DisposeAsync();
    }
}
