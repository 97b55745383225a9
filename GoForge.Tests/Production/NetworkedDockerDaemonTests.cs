using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet.Models;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Production;

/// <summary>
/// The engine the production-stack test runs on: its own namespace with bridges and iptables, linked to the host by a
/// veth /30. Published ports answer at <see cref="NetworkedDockerDaemon.Address"/>, containers reach
/// <see cref="NetworkedDockerDaemon.HostAddress"/>, and images arrive from the shared engine by save/load.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class NetworkedDockerDaemonTests(DockerFixture shared) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private NetworkedDockerDaemon? _daemon;

    private NetworkedDockerDaemon Daemon => _daemon ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await BusyboxImage.EnsureAsync(shared.Client, timeout.Token);
        _daemon = await NetworkedDockerDaemon.StartAsync(timeout.Token);
        await _daemon.LoadImageAsync(shared.Client, BusyboxImage.Tag, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_port_published_by_a_container_answers_from_the_host_at_the_engine_address()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var created = await Daemon.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = BusyboxImage.Tag,
            ExposedPorts = new Dictionary<string, EmptyStruct> { ["8080/tcp"] = default },
            HostConfig = new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>> { ["8080/tcp"] = [new PortBinding { HostPort = "18080" }] },
            },
        }, timeout.Token);
        await Daemon.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), timeout.Token);

        // A fixed port is fine: it is published in the engine's own namespace, where nothing else listens.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string? body = null;
        await Wait.UntilAsync(async () =>
        {
            try
            {
                body = await http.GetStringAsync(new Uri($"http://{Daemon.Address}:18080/"), timeout.Token);
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, $"busybox httpd at {Daemon.Address}:18080");

        Assert.Equal("hello", body?.Trim());
    }

    [Fact]
    public async Task A_container_reaches_a_listener_on_the_host_address()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var listener = new TcpListener(Daemon.HostAddress, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var accepted = listener.AcceptTcpClientAsync(timeout.Token).AsTask();

        var created = await Daemon.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = BusyboxImage.Tag,
            Cmd = ["sh", "-c", $"echo from-container | nc {Daemon.HostAddress} {port}"],
        }, timeout.Token);
        await Daemon.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), timeout.Token);

        using var client = await accepted;
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        Assert.Equal("from-container", await reader.ReadLineAsync(timeout.Token));
    }
}
