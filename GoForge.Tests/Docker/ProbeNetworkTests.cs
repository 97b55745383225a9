using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Catalog;
using GoForge.Core.Containers;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ContainerSpec = GoForge.Core.Containers.ContainerSpec;
using RestartPolicy = GoForge.Core.Projects.RestartPolicy;

namespace GoForge.Tests.Docker;

/// <summary>
/// The panel probes containers through the probe network (<c>GoForge:Docker:ProbeNetwork</c>), the one network a panel
/// in its own container shares with them, never through the network the engine happens to list first (real engine).
/// The containers here listen only on their address on one network, as an app reached through that network alone.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ProbeNetworkTests(DockerFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly TemplateHealthCheck HttpCheck = new(HealthCheckKind.Http, [], BusyboxImage.Port, "/", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 5, TimeSpan.Zero);

    /// <summary>httpd on the container's address in <c>$PREFIX</c> only (busybox's <c>ip</c> lists its addresses).</summary>
    private const string ListenOnPrefixOnly =
        "ip=''; for a in $(ip -o -4 addr show | awk '{print $4}'); do case \"$a\" in \"$PREFIX\"*) ip=\"${a%/*}\";; esac; done; " +
        "[ -n \"$ip\" ] || exit 3; mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p \"$ip:8080\" -h /www";

    private readonly string _nonce = Guid.NewGuid().ToString("N")[..10];
    private readonly DockerClientProvider _provider = new(Options.Create(new DockerOptions { Endpoint = fixture.Endpoint }));
    private readonly List<string> _networks = [];
    private readonly List<string> _containers = [];
    private string _image = null!;

    // Go's JSON lists a container's networks by name, so "a-…" comes before "z-…" in every inspection.
    private string EnvironmentNetwork => $"a-goforge-test-env-{_nonce}";

    private string ProbeNetwork => $"z-goforge-test-probe-{_nonce}";

    public async Task InitializeAsync()
    {
        _image = await BusyboxImage.EnsureAsync(fixture.Client);
        await CreateNetworkAsync(EnvironmentNetwork, subnet: null);
    }

    public async Task DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        foreach (var id in _containers)
        {
            try
            {
                await fixture.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, timeout.Token);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Already gone.
            }
        }

        foreach (var network in _networks)
        {
            await fixture.Client.Networks.DeleteNetworkAsync(network, timeout.Token);
        }

        _provider.Dispose();
    }

    [Fact]
    public async Task A_container_whose_environment_network_sorts_first_is_probed_through_the_probe_network()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var prefix = await CreateNetworkAsync(ProbeNetwork, subnet: "10.252.{0}.0/24");
        using var probing = Runtime(ProbeNetwork);
        var id = await StartAsync(probing, Spec() with { ProbeNetwork = ProbeNetwork, Env = new Dictionary<string, string> { ["PREFIX"] = prefix }, Command = ["/bin/sh", "-c", ListenOnPrefixOnly] }, timeout.Token);

        var container = await fixture.Client.Containers.InspectContainerAsync(id, timeout.Token);
        Assert.Equal([EnvironmentNetwork, ProbeNetwork], container.NetworkSettings!.Networks!.Keys);

        var health = await probing.WaitHealthyAsync(id, "/", BusyboxImage.Port, TimeSpan.FromSeconds(60), timeout.Token);
        Assert.True(health.IsHealthy, health.Reason);
        using var services = new DockerServiceRuntime(_provider, probing);
        var service = await services.WaitHealthyAsync(id, ProbeNetwork, HttpCheck, TimeSpan.FromSeconds(60), timeout.Token);
        Assert.True(service.IsHealthy, service.Reason);

        // The behaviour before the probe network: the first network listed, where nothing listens.
        using var firstNetwork = Runtime(probeNetwork: null);
        var before = await firstNetwork.WaitHealthyAsync(id, "/", BusyboxImage.Port, TimeSpan.FromSeconds(3), timeout.Token);
        Assert.False(before.IsHealthy, before.Reason);
        Assert.Contains("GET / failed", before.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_container_not_on_the_probe_network_fails_its_probe_at_once_naming_the_network()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await CreateNetworkAsync(ProbeNetwork, subnet: null);
        using var probing = Runtime(ProbeNetwork);
        var id = await StartAsync(probing, Spec(), timeout.Token);

        // A minute to wait, yet the answer comes from the container's networks, not from a time-out.
        var health = await probing.WaitHealthyAsync(id, "/", BusyboxImage.Port, TimeSpan.FromSeconds(60), timeout.Token);
        using var services = new DockerServiceRuntime(_provider, probing);
        var service = await services.WaitHealthyAsync(id, ProbeNetwork, HttpCheck, TimeSpan.FromSeconds(60), timeout.Token);

        foreach (var (healthy, reason) in new[] { (health.IsHealthy, health.Reason), (service.IsHealthy, service.Reason) })
        {
            Assert.False(healthy, reason);
            Assert.Contains($"not on {ProbeNetwork}", reason, StringComparison.Ordinal);
            Assert.Contains(ProbeNetworkOptions.Key, reason, StringComparison.Ordinal);
            Assert.DoesNotContain("within", reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_listener_bound_to_its_address_on_the_panel_network_is_refused_to_a_container_on_the_probe_network()
    {
        // The panel's binding in production: loopback and its own address on goforge-panel, nothing on goforge-proxy.
        using var timeout = new CancellationTokenSource(Timeout);
        await CreateNetworkAsync(ProbeNetwork, subnet: null);
        var panelNetwork = $"goforge-test-panel-{_nonce}";
        var prefix = await CreateNetworkAsync(panelNetwork, subnet: "10.253.{0}.0/24");
        using var runtime = Runtime(probeNetwork: null);
        var panel = await StartAsync(runtime, Spec() with { Network = panelNetwork, ProbeNetwork = ProbeNetwork, Env = new Dictionary<string, string> { ["PREFIX"] = prefix }, Command = ["/bin/sh", "-c", ListenOnPrefixOnly] }, timeout.Token);
        Assert.True((await runtime.WaitHealthyAsync(panel, null, 0, TimeSpan.FromSeconds(60), timeout.Token)).IsHealthy);
        var onProbe = (await runtime.AddressAsync(panel, ProbeNetwork, timeout.Token))!;
        var onPanel = (await runtime.AddressAsync(panel, panelNetwork, timeout.Token))!;

        // A neighbour on the panel network gets an answer (the proxy's place), so the listener is up; an app on the probe network does not.
        var proxy = await StartAsync(runtime, Spec() with { Network = panelNetwork }, timeout.Token);
        var app = await StartAsync(runtime, Spec() with { Network = ProbeNetwork }, timeout.Token);
        Assert.True(await ContainerHttp.CanFetchFromAsync(fixture.Client, proxy, onPanel, ct: timeout.Token), "the proxy's place on the panel network reaches the panel");
        Assert.False(await ContainerHttp.CanFetchFromAsync(fixture.Client, app, onProbe, ct: timeout.Token), "an app on the probe network reaches the panel's port");
        Assert.False(await ContainerHttp.CanFetchFromAsync(fixture.Client, app, onPanel, ct: timeout.Token), "an app on the probe network reaches the panel's address on the panel network");
    }

    private DockerContainerRuntime Runtime(string? probeNetwork) =>
        new(_provider, NullLogger<DockerContainerRuntime>.Instance, Options.Create(new ProbeNetworkOptions { ProbeNetwork = probeNetwork }));

    private ContainerSpec Spec() => new()
    {
        Name = $"goforge-test-probe-{Guid.NewGuid().ToString("N")[..10]}",
        Image = _image,
        Network = EnvironmentNetwork,
        ContainerPort = BusyboxImage.Port,
        RestartPolicy = RestartPolicy.No,
    };

    private async Task<string> StartAsync(DockerContainerRuntime runtime, ContainerSpec spec, CancellationToken ct)
    {
        var id = await runtime.CreateAndStartAsync(spec, ct);
        _containers.Add(id);
        return id;
    }

    /// <summary>Creates a bridge network; with <paramref name="subnet"/> (a format with one hole for the third octet), a free /24 of it, whose prefix ("10.252.7.") it returns.</summary>
    private async Task<string> CreateNetworkAsync(string name, string? subnet)
    {
        for (var attempt = 0; ; attempt++)
        {
            var octet = Random.Shared.Next(256);
            var range = subnet is null ? null : string.Format(System.Globalization.CultureInfo.InvariantCulture, subnet, octet);
            try
            {
                await fixture.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters
                {
                    Name = name,
                    Driver = "bridge",
                    IPAM = range is null ? null : new IPAM { Config = [new IPAMConfig { Subnet = range }] },
                });
                _networks.Add(name);
                return range is null ? string.Empty : range[..(range.LastIndexOf('.') + 1)];
            }
            catch (DockerApiException e) when (range is not null && attempt < 10 && e.Message.Contains("overlap", StringComparison.OrdinalIgnoreCase))
            {
                // Another test's network holds that /24: another one.
            }
        }
    }
}
