using Docker.DotNet;
using Docker.DotNet.Models;
using ContainerSpec = GoForge.Core.Containers.ContainerSpec;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Docker;

/// <summary>
/// The container defaults on the real engine: a process limit and no NET_RAW unless the application allows raw
/// sockets, seen in the created container's HostConfig and in what a process inside it can and cannot do.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ContainerDefaultsTests(DockerFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly DockerClientProvider _provider = new(Options.Create(new DockerOptions { Endpoint = fixture.Endpoint }));
    private readonly List<string> _containers = [];
    private readonly string _network = Unique.Name("defaults");
    private DockerContainerRuntime _runtime = null!;
    private string _image = null!;

    public async Task InitializeAsync()
    {
        _runtime = new DockerContainerRuntime(_provider, NullLogger<DockerContainerRuntime>.Instance);
        _image = await BusyboxImage.EnsureAsync(fixture.Client);
        // The runtime never creates a container's network (Core's EnvironmentNetworks does): the test makes its own.
        await fixture.Client.Networks.CreateNetworkAsync(new global::Docker.DotNet.Models.NetworksCreateParameters { Name = _network, Driver = "bridge" });
    }

    public async Task DisposeAsync()
    {
        foreach (var id in _containers)
        {
            await _runtime.StopAndRemoveAsync(id);
        }

        try
        {
            await fixture.Client.Networks.DeleteNetworkAsync(_network);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Never created.
        }

        _runtime.Dispose();
        _provider.Dispose();
    }

    [Fact]
    public async Task A_container_started_with_the_defaults_has_the_process_limit_and_drops_NET_RAW()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var id = await StartAsync(Spec(), timeout.Token);

        var host = (await fixture.Client.Containers.InspectContainerAsync(id, timeout.Token)).HostConfig!;
        Assert.Equal(ContainerHardening.DefaultPidsLimit, host.PidsLimit);
        Assert.Equal(["NET_RAW"], host.CapDrop);
        Assert.True(host.CapAdd is null || host.CapAdd.Count == 0);
    }

    [Fact]
    public async Task An_application_that_allows_raw_sockets_keeps_NET_RAW_and_its_own_limit()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var id = await StartAsync(Spec() with { PidsLimit = 64, AllowRawSockets = true }, timeout.Token);

        var host = (await fixture.Client.Containers.InspectContainerAsync(id, timeout.Token)).HostConfig!;
        Assert.Equal(64L, host.PidsLimit);
        Assert.True(host.CapDrop is null || host.CapDrop.Count == 0);
    }

    [Fact]
    public async Task Without_NET_RAW_raw_and_packet_sockets_and_ping_are_refused_while_an_app_that_allows_them_opens_them()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var blocked = await StartAsync(Spec(), timeout.Token);
        var allowed = await StartAsync(Spec() with { AllowRawSockets = true }, timeout.Token);
        var gateway = await GatewayAsync(timeout.Token);

        // arping sends ARP on a packet socket: what spoofing a neighbour on the shared bridge needs.
        var arpBlocked = await ExecAsync(blocked, ["arping", "-c", "1", "-w", "3", "-I", "eth0", gateway], timeout.Token);
        var arpAllowed = await ExecAsync(allowed, ["arping", "-c", "1", "-w", "3", "-I", "eth0", gateway], timeout.Token);
        // traceroute -I reads ICMP on a raw IP socket.
        var rawBlocked = await ExecAsync(blocked, ["traceroute", "-I", "-n", "-m", "1", "-w", "1", "-q", "1", gateway], timeout.Token);
        var rawAllowed = await ExecAsync(allowed, ["traceroute", "-I", "-n", "-m", "1", "-w", "1", "-q", "1", gateway], timeout.Token);
        // busybox ping opens a raw ICMP socket.
        var pingBlocked = await ExecAsync(blocked, ["ping", "-c", "1", "-W", "3", gateway], timeout.Token);
        var pingAllowed = await ExecAsync(allowed, ["ping", "-c", "1", "-W", "3", gateway], timeout.Token);

        Assert.NotEqual(0, arpBlocked.ExitCode);
        Assert.Contains("Operation not permitted", arpBlocked.Output, StringComparison.Ordinal);
        Assert.True(arpAllowed.ExitCode == 0, arpAllowed.Output);
        Assert.Contains("Received 1 response", arpAllowed.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, rawBlocked.ExitCode);
        Assert.Contains("Operation not permitted", rawBlocked.Output, StringComparison.Ordinal);
        Assert.True(rawAllowed.ExitCode == 0, rawAllowed.Output);
        Assert.Contains(gateway, rawAllowed.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, pingBlocked.ExitCode);
        Assert.Contains("permission denied", pingBlocked.Output, StringComparison.Ordinal);
        Assert.True(pingAllowed.ExitCode == 0, pingAllowed.Output);
    }

    [Fact]
    public async Task Forking_beyond_the_process_limit_fails_while_the_same_forks_fit_under_the_default()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var limited = await StartAsync(Spec() with { PidsLimit = ContainerHardening.MinPidsLimit }, timeout.Token);
        var defaulted = await StartAsync(Spec(), timeout.Token);
        // 40 background sleeps: far past 16 tasks, far under 1024. The shell reports the fork it could not make.
        string[] forks = ["sh", "-c", "n=0; while [ $n -lt 40 ]; do sleep 30 & n=$((n+1)); done; echo started $n; kill $(jobs -p) 2>/dev/null; true"];

        var refused = await ExecAsync(limited, forks, timeout.Token);
        var fits = await ExecAsync(defaulted, forks, timeout.Token);

        Assert.Contains("can't fork", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("can't fork", fits.Output, StringComparison.Ordinal);
        Assert.Contains("started 40", fits.Output, StringComparison.Ordinal);
    }

    private ContainerSpec Spec() => new()
    {
        Name = Unique.Name("defaults"),
        Image = _image,
        Network = _network,
        ContainerPort = BusyboxImage.Port,
        Labels = new Dictionary<string, string> { ["goforge.test"] = Guid.NewGuid().ToString("N") },
        RestartPolicy = GoForge.Core.Projects.RestartPolicy.No,
    };

    private async Task<string> StartAsync(ContainerSpec spec, CancellationToken ct)
    {
        var id = await _runtime.CreateAndStartAsync(spec, ct);
        _containers.Add(id);
        return id;
    }

    private async Task<string> GatewayAsync(CancellationToken ct)
    {
        var network = await fixture.Client.Networks.InspectNetworkAsync(_network, ct);
        return network.IPAM.Config.Select(c => c.Gateway).First(g => !string.IsNullOrEmpty(g) && !g.Contains(':', StringComparison.Ordinal));
    }

    private Task<(long ExitCode, string Output)> ExecAsync(string containerId, IList<string> command, CancellationToken ct) =>
        ContainerExec.RunAsync(fixture.Client, containerId, command, ct);
}
