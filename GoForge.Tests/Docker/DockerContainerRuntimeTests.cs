using Docker.DotNet;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Docker;

[Collection(DockerCollection.Name)]
public sealed class DockerContainerRuntimeTests(DockerFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan UnhealthyWithin = TimeSpan.FromSeconds(5);
    private static readonly Dictionary<string, string> NoArgs = [];

    // As GoForge labels what it builds: RemoveImageAsync refuses anything else.
    private static readonly Dictionary<string, string> ManagedLabels = new() { [DockerContainerRuntime.ImageOwnerLabel] = Guid.NewGuid().ToString() };
    private readonly DockerClientProvider _provider = new(Options.Create(new DockerOptions { Endpoint = fixture.Endpoint }));
    private readonly List<string> _networks = [];

    private DockerContainerRuntime Runtime => new(_provider, NullLogger<DockerContainerRuntime>.Instance);

    [Fact]
    public async Task Container_on_its_network_is_healthy_and_answers_http()
    {
        var image = await BusyboxImage.EnsureAsync(fixture.Client);
        var runtime = Runtime;
        var spec = await SpecAsync(image, healthPath: "/") with
        {
            Env = new Dictionary<string, string> { ["GREETING"] = "hi" },
            MemoryLimitMb = 64,
            CpuLimit = 0.5,
        };
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            id = await runtime.CreateAndStartAsync(spec, timeout.Token);

            var health = await runtime.WaitHealthyAsync(id, "/", BusyboxImage.Port, TimeSpan.FromSeconds(30), timeout.Token);

            Assert.True(health.IsHealthy, health.Reason);
            var network = (await fixture.Client.Networks.ListNetworksAsync(cancellationToken: timeout.Token)).Single(n => n.Name == spec.Network);
            Assert.Equal("bridge", network.Driver);
            var container = await fixture.Client.Containers.InspectContainerAsync(id, timeout.Token);
            Assert.Contains("GREETING=hi", container.Config!.Env);
            Assert.Equal(64L * 1024 * 1024, container.HostConfig!.Memory);
            Assert.Equal(500_000_000L, container.HostConfig!.NanoCPUs);
            Assert.Equal(spec.Labels["goforge.test"], container.Config!.Labels["goforge.test"]);
            var ip = container.NetworkSettings!.Networks[spec.Network].IPAddress;
            using var http = new HttpClient();
            Assert.Equal("hello", (await http.GetStringAsync(new Uri($"http://{ip}:{BusyboxImage.Port}/"), timeout.Token)).Trim());
            Assert.Equal([id], await runtime.ListContainersAsync(spec.Labels, timeout.Token));
        }
        finally
        {
            await CleanUpAsync(runtime, id);
        }
    }

    [Fact]
    public async Task Container_on_a_missing_network_is_refused_and_the_runtime_creates_no_network()
    {
        var image = await BusyboxImage.EnsureAsync(fixture.Client);
        var runtime = Runtime;
        var network = Unique.Name("absent");
        _networks.Add(network);
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            var refused = await Assert.ThrowsAsync<EngineException>(() =>
                runtime.CreateAndStartAsync(new ContainerSpec { Name = Unique.Name("app"), Image = image, Network = network, ContainerPort = BusyboxImage.Port }, timeout.Token));

            Assert.Contains(network, refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(await fixture.Client.Networks.ListNetworksAsync(cancellationToken: timeout.Token), n => n.Name == network);
        }
        finally
        {
            await CleanUpAsync(runtime, null);
        }
    }

    [Fact]
    public async Task Health_path_answering_404_is_unhealthy_within_the_timeout_with_log_lines()
    {
        var image = await BusyboxImage.EnsureAsync(fixture.Client);
        var runtime = Runtime;
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            id = await runtime.CreateAndStartAsync(await SpecAsync(image, healthPath: "/missing"), timeout.Token);

            var health = await runtime.WaitHealthyAsync(id, "/missing", BusyboxImage.Port, UnhealthyWithin, timeout.Token);

            Assert.Equal(ContainerHealthStatus.Unhealthy, health.Status);
            Assert.Contains("404", health.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await CleanUpAsync(runtime, id);
        }
    }

    [Fact]
    public async Task Container_that_exits_is_unhealthy_with_its_last_log_lines()
    {
        using var context = AppContextFolder.Create("""
            FROM scratch
            COPY busybox /bin/busybox
            CMD ["/bin/busybox", "sh", "-c", "echo first-line; echo boom-before-exit >&2; exit 3"]
            """);
        var tag = Unique.Tag("exits");
        var runtime = Runtime;
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await new DockerImageBuilder(_provider, NullLogger<DockerImageBuilder>.Instance)
                .BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", tag, NoArgs, ManagedLabels), new LineLog(), timeout.Token);
            id = await runtime.CreateAndStartAsync(await SpecAsync(tag, healthPath: null) with { RestartPolicy = RestartPolicy.No }, timeout.Token);

            var health = await runtime.WaitHealthyAsync(id, null, 8080, TimeSpan.FromSeconds(30), timeout.Token);

            Assert.Equal(ContainerHealthStatus.Unhealthy, health.Status);
            Assert.Contains("exited with code 3", health.Reason, StringComparison.Ordinal);
            Assert.Contains("first-line", health.LastLogLines);
            Assert.Contains("boom-before-exit", health.LastLogLines);
        }
        finally
        {
            await CleanUpAsync(runtime, id);
            await runtime.RemoveImageAsync(tag);
        }
    }

    [Fact]
    public async Task Without_a_path_a_container_running_two_seconds_is_healthy()
    {
        var image = await BusyboxImage.EnsureAsync(fixture.Client);
        var runtime = Runtime;
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            id = await runtime.CreateAndStartAsync(await SpecAsync(image, healthPath: null), timeout.Token);

            var health = await runtime.WaitHealthyAsync(id, null, BusyboxImage.Port, TimeSpan.FromSeconds(30), timeout.Token);

            Assert.True(health.IsHealthy, health.Reason);
        }
        finally
        {
            await CleanUpAsync(runtime, id);
        }
    }

    [Fact]
    public async Task StopAndRemove_and_RemoveImage_clean_up_and_accept_what_is_already_gone()
    {
        using var context = AppContextFolder.Create(AppContextFolder.AppDockerfile);
        var tag = Unique.Tag("cleanup");
        var runtime = Runtime;
        string? id = null;
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await new DockerImageBuilder(_provider, NullLogger<DockerImageBuilder>.Instance)
                .BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", tag, NoArgs, ManagedLabels), new LineLog(), timeout.Token);
            var spec = await SpecAsync(tag, healthPath: null);
            id = await runtime.CreateAndStartAsync(spec, timeout.Token);

            await runtime.StopAndRemoveAsync(id, timeout.Token);
            await runtime.StopAndRemoveAsync(id, timeout.Token);
            await runtime.RemoveImageAsync(tag, timeout.Token);
            await runtime.RemoveImageAsync(tag, timeout.Token);

            await Assert.ThrowsAnyAsync<DockerApiException>(() => fixture.Client.Containers.InspectContainerAsync(id, timeout.Token));
            await Assert.ThrowsAnyAsync<DockerApiException>(() => fixture.Client.Images.InspectImageAsync(tag, timeout.Token));
            Assert.Empty(await runtime.ListContainersAsync(spec.Labels, timeout.Token));
        }
        finally
        {
            await CleanUpAsync(runtime, id);
            await runtime.RemoveImageAsync(tag);
        }
    }

    [Fact]
    public async Task RemoveImage_refuses_an_image_without_goforges_label_and_leaves_it()
    {
        var image = await BusyboxImage.EnsureAsync(fixture.Client);
        var tag = Unique.Tag("foreign");
        var (repository, name) = (tag[..tag.LastIndexOf(':')], tag[(tag.LastIndexOf(':') + 1)..]);
        await fixture.Client.Images.TagImageAsync(image, new global::Docker.DotNet.Models.ImageTagParameters { RepositoryName = repository, Tag = name });
        try
        {
            var refused = await Assert.ThrowsAsync<EngineException>(() => Runtime.RemoveImageAsync(tag));

            Assert.Contains("not built by GoForge", refused.EngineError, StringComparison.Ordinal);
            Assert.Equal(tag, (await fixture.Client.Images.InspectImageAsync(tag)).RepoTags.Single(t => t == tag));
        }
        finally
        {
            await fixture.Client.Images.DeleteImageAsync(tag, new global::Docker.DotNet.Models.ImageDeleteParameters());
        }
    }

    public void Dispose() => _provider.Dispose();

    private async Task<ContainerSpec> SpecAsync(string image, string? healthPath)
    {
        // The runtime never creates a container's network: Core ensures it (EnvironmentNetworks), as this does.
        var network = Unique.Name("net");
        _networks.Add(network);
        await fixture.Client.Networks.CreateNetworkAsync(new global::Docker.DotNet.Models.NetworksCreateParameters { Name = network, Driver = "bridge" });
        return new ContainerSpec
        {
            Name = Unique.Name("app"),
            Image = image,
            Network = network,
            ContainerPort = BusyboxImage.Port,
            // The owner label of the images these tests build: GoForge runs an image labelled for an application only as that application's container.
            Labels = new Dictionary<string, string>
            {
                ["goforge.test"] = Guid.NewGuid().ToString("N"),
                [DockerContainerRuntime.ImageOwnerLabel] = ManagedLabels[DockerContainerRuntime.ImageOwnerLabel],
            },
            RestartPolicy = RestartPolicy.No,
            HealthCheckPath = healthPath,
        };
    }

    private async Task CleanUpAsync(DockerContainerRuntime runtime, string? containerId)
    {
        if (containerId is not null)
        {
            await runtime.StopAndRemoveAsync(containerId);
        }

        foreach (var network in _networks)
        {
            try
            {
                await fixture.Client.Networks.DeleteNetworkAsync(network);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Never created.
            }
        }

        runtime.Dispose();
    }
}
