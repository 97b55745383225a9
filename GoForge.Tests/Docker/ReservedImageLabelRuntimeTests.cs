using Docker.DotNet.Models;
using GoForge.Core.Containers;
using ContainerSpec = GoForge.Core.Containers.ContainerSpec;
using RestartPolicy = GoForge.Core.Projects.RestartPolicy;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Docker;

/// <summary>
/// Every container GoForge creates passes the image-label check, a service's (no application label) included: on the
/// real engine, an image with a reserved label is refused before any container or network exists.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ReservedImageLabelRuntimeTests(DockerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly DockerClientProvider _provider = new(Options.Create(new DockerOptions { Endpoint = fixture.Endpoint }));

    [Fact]
    public async Task An_image_with_a_caddy_docker_proxy_label_is_refused_and_leaves_no_container()
    {
        var error = await RefusedAsync("LABEL caddy=victim.example", new Dictionary<string, string>(), new Dictionary<string, string>());

        Assert.Contains("The image carries the label 'caddy'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_built_for_an_application_is_refused_as_any_other_container()
    {
        var owner = new Dictionary<string, string> { [GoForgeLabels.App] = Guid.NewGuid().ToString() };

        var error = await RefusedAsync("", owner, new Dictionary<string, string> { ["goforge.service"] = Guid.NewGuid().ToString() });

        Assert.Contains("The image carries the label 'goforge.app'", error, StringComparison.Ordinal);
    }

    private async Task<string> RefusedAsync(string labelLine, Dictionary<string, string> imageLabels, Dictionary<string, string> containerLabels)
    {
        using var context = AppContextFolder.Create($"""
            FROM scratch
            COPY busybox /bin/busybox
            {labelLine}
            CMD ["/bin/busybox", "sleep", "60"]
            """);
        var tag = Unique.Tag("labels");
        var name = Unique.Name("labels");
        var network = Unique.Name("net");
        var runtime = new DockerContainerRuntime(_provider, NullLogger<DockerContainerRuntime>.Instance);
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await new DockerImageBuilder(_provider, NullLogger<DockerImageBuilder>.Instance)
                .BuildAsync(new ImageBuildRequest(context.Path, "Dockerfile", tag, new Dictionary<string, string>(), imageLabels), new LineLog(), timeout.Token);
            var spec = new ContainerSpec
            {
                Name = name,
                Image = tag,
                Network = network,
                ContainerPort = 8080,
                Labels = containerLabels,
                RestartPolicy = RestartPolicy.No,
            };

            var error = await Assert.ThrowsAsync<EngineException>(() => runtime.CreateAndStartAsync(spec, timeout.Token));

            var containers = await fixture.Client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
            }, timeout.Token);
            Assert.Empty(containers);
            var networks = await fixture.Client.Networks.ListNetworksAsync(cancellationToken: timeout.Token);
            Assert.DoesNotContain(networks, n => n.Name == network);
            return error.Message;
        }
        finally
        {
            await fixture.Client.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = true }, CancellationToken.None);
        }
    }
}
