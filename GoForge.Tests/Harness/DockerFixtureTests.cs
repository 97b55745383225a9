using System.Net.Sockets;
using Docker.DotNet.Models;

namespace GoForge.Tests.Harness;

[Collection(DockerCollection.Name)]
public sealed class DockerFixtureTests(DockerFixture docker)
{
    [Fact]
    public async Task Busybox_container_serves_hello_on_a_published_port()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        var image = await BusyboxImage.EnsureAsync(docker.Client, ct);
        var containerPort = $"{BusyboxImage.Port}/tcp";

        var created = await docker.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"goforge-test-{Guid.NewGuid():N}"[..25],
            Image = image,
            Labels = new Dictionary<string, string> { ["goforge.test"] = "true" },
            ExposedPorts = new Dictionary<string, EmptyStruct> { [containerPort] = default },
            HostConfig = new HostConfig
            {
                // An empty host port lets the engine pick a free one: no race with other tests for a port.
                PortBindings = new Dictionary<string, IList<PortBinding>>
                {
                    [containerPort] = [new PortBinding { HostIP = "127.0.0.1", HostPort = string.Empty }],
                },
            },
        }, ct);
        try
        {
            await docker.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct);
            var inspected = await docker.Client.Containers.InspectContainerAsync(created.ID, ct);
            var hostPort = Assert.Single(inspected.NetworkSettings?.Ports?[containerPort] ?? []).HostPort;

            var body = await GetWhenListeningAsync(new Uri($"http://127.0.0.1:{hostPort}/"), ct);

            Assert.Equal("hello\n", body);
        }
        finally
        {
            await docker.Client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
    }

    [Fact]
    public async Task BusyboxImage_EnsureAsync_is_idempotent()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var first = await BusyboxImage.EnsureAsync(docker.Client, timeout.Token);
        var id = (await docker.Client.Images.InspectImageAsync(first, timeout.Token)).ID;

        var second = await BusyboxImage.EnsureAsync(docker.Client, timeout.Token);

        Assert.Equal(id, (await docker.Client.Images.InspectImageAsync(second, timeout.Token)).ID);
    }

    /// <summary>The server starts a moment after the container: retry while the connection is refused or reset, until the token ends.</summary>
    private static async Task<string> GetWhenListeningAsync(Uri uri, CancellationToken ct)
    {
        using var http = new HttpClient();
        while (true)
        {
            try
            {
                return await http.GetStringAsync(uri, ct);
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException or IOException && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        }
    }
}
