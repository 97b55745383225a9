using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Docker;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ContainerSpec = GoForge.Core.Containers.ContainerSpec;

namespace GoForge.Tests.Web;

/// <summary>
/// An application container forging X-Forwarded-For, on the real engine: a busybox container on a bridge network
/// calls the panel, which listens on every address of the host (the bridge's gateway included), with <c>wget</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ForwardedHeadersFromContainersTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly DockerClientProvider _provider = new(Options.Create(new DockerOptions { Endpoint = docker.Endpoint }));
    private readonly string _network = Unique.Name("xff");
    private DockerContainerRuntime _runtime = null!;
    private string _container = null!;
    private string _containerAddress = null!;
    private string _gateway = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        _runtime = new DockerContainerRuntime(_provider, NullLogger<DockerContainerRuntime>.Instance);
        var image = await BusyboxImage.EnsureAsync(docker.Client, timeout.Token);
        // The runtime never creates a container's network (Core's EnvironmentNetworks does): the test makes its own.
        await docker.Client.Networks.CreateNetworkAsync(new global::Docker.DotNet.Models.NetworksCreateParameters { Name = _network, Driver = "bridge" }, timeout.Token);
        _container = await _runtime.CreateAndStartAsync(new ContainerSpec
        {
            Name = Unique.Name("xff"),
            Image = image,
            Network = _network,
            ContainerPort = BusyboxImage.Port,
            Labels = new Dictionary<string, string> { ["goforge.test"] = Guid.NewGuid().ToString("N") },
            RestartPolicy = GoForge.Core.Projects.RestartPolicy.No,
        }, timeout.Token);
        _containerAddress = await _runtime.AddressAsync(_container, _network, timeout.Token) ?? throw new InvalidOperationException("The container has no address.");
        var network = await docker.Client.Networks.InspectNetworkAsync(_network, timeout.Token);
        _gateway = network.IPAM.Config.Select(c => c.Gateway).First(g => !string.IsNullOrEmpty(g) && !g.Contains(':', StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _runtime.StopAndRemoveAsync(_container);
        try
        {
            await docker.Client.Networks.DeleteNetworkAsync(_network);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Never created.
        }

        _runtime.Dispose();
        _provider.Dispose();
    }

    [Fact]
    public async Task A_container_that_is_not_the_proxy_forging_loopback_gets_404_from_metrics_and_cannot_dodge_the_webhook_limit()
    {
        await using var app = await ForwardedHeadersTrustTests.StartListeningEverywhereAsync(postgres, "xff_container", trustedProxy: null);
        using var timeout = new CancellationTokenSource(Timeout);

        var metrics = await WgetAsync(app, "/metrics", "127.0.0.1", post: false, timeout.Token);
        var deliveries = new List<string>();
        for (var i = 1; i <= ForwardedHeadersTrustTests.WebhookLimit + 1; i++)
        {
            deliveries.Add(await WgetAsync(app, "/webhooks/github", $"198.51.100.{i}", post: true, timeout.Token));
        }

        Assert.Contains("404 Not Found", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("goforge_", metrics, StringComparison.Ordinal);
        // busybox wget shows only the status line of an error answer: the limit shows as the 429 of the last one.
        Assert.All(deliveries.Take(ForwardedHeadersTrustTests.WebhookLimit), d => Assert.DoesNotContain(" 429 ", d, StringComparison.Ordinal));
        Assert.Contains(" 429 ", deliveries[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_the_configured_proxy_container_the_forwarded_client_counts_but_loopback_still_gets_no_metrics()
    {
        await using var app = await ForwardedHeadersTrustTests.StartListeningEverywhereAsync(postgres, "xff_proxy", trustedProxy: _containerAddress);
        using var timeout = new CancellationTokenSource(Timeout);

        var first = new List<string>();
        for (var i = 0; i < ForwardedHeadersTrustTests.WebhookLimit; i++)
        {
            first.Add(await WgetAsync(app, "/webhooks/github", "198.51.100.1", post: true, timeout.Token));
        }

        var another = await WgetAsync(app, "/webhooks/github", "198.51.100.2", post: true, timeout.Token);
        var firstAgain = await WgetAsync(app, "/webhooks/github", "198.51.100.1", post: true, timeout.Token);
        var metrics = await WgetAsync(app, "/metrics", "127.0.0.1", post: false, timeout.Token);

        Assert.All(first, d => Assert.DoesNotContain(" 429 ", d, StringComparison.Ordinal));
        Assert.DoesNotContain(" 429 ", another, StringComparison.Ordinal);
        Assert.Contains(" 429 ", firstAgain, StringComparison.Ordinal);
        Assert.Contains("404 Not Found", metrics, StringComparison.Ordinal);
    }

    /// <summary>busybox wget inside the container, to the panel at the bridge's gateway; the answer's status line and headers (-S) with the body.</summary>
    private async Task<string> WgetAsync(GoForgeApp app, string path, string forwardedFor, bool post, CancellationToken ct)
    {
        var url = $"http://{_gateway}:{app.Address.Port.ToString(CultureInfo.InvariantCulture)}{path}";
        List<string> command = ["wget", "-S", "-O", "-", "--header", $"X-Forwarded-For: {forwardedFor}"];
        if (post)
        {
            command.AddRange(["--post-data", "{}"]);
        }

        command.Add(url);
        var exec = await docker.Client.Exec.CreateContainerExecAsync(_container, new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true }, ct);
        using var stream = await docker.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), ct);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(ct);
        return stderr + stdout;
    }
}
