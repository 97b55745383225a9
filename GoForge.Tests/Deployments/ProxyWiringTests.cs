using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.Options;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Deployments;

/// <summary>
/// The deployment runner and the proxy port on the real engine: the container joins the proxy network besides its
/// environment's, carries no proxy label, and the proxy (Traefik, the default, through its file provider) is given the
/// route to it by name.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProxyWiringTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-proxywire-").FullName;
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..12];
    private string ProxyNetwork => $"goforge-test-proxy-{_nonce}";
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Application _app = null!;

    public async Task InitializeAsync()
    {
        var repository = new SampleRepository(_root);
        repository.Commit("One", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = "one\n" });
        _host = await TestHost.StartAsync(postgres, "proxywire", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(_root, "work"),
            ["GoForge:Deployments:DeployTimeout"] = "00:00:15",
            ["GoForge:Deployments:ProxyNetwork"] = ProxyNetwork,
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput("Wired", null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_owner, project.Id)).Value![0];
        _app = (await _host.Get<ApplicationService>().CreateAsync(_owner, environment.Id, new ApplicationInput
        {
            Name = $"wired {_nonce}"[..14],
            GitUrl = repository.GitUrl,
            ContainerPort = 8080,
            HealthCheckPath = "/",
            Domains = "wired.example.com",
        })).Value!;
    }

    public async Task DisposeAsync()
    {
        var runtime = _host.Get<IContainerRuntime>();
        foreach (var id in await runtime.ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = _app.Id.ToString() }))
        {
            await runtime.StopAndRemoveAsync(id);
        }

        foreach (var deployment in await _host.Get<IDeploymentRepository>().ListByApplicationAsync(_app.Id, 50))
        {
            if (deployment.ImageTag is { } tag)
            {
                await runtime.RemoveImageAsync(tag);
            }
        }

        foreach (var network in await docker.Client.Networks.ListNetworksAsync(new NetworksListParameters()))
        {
            if (network.Name == ProxyNetwork)
            {
                await docker.Client.Networks.DeleteNetworkAsync(network.ID);
            }
        }

        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private async Task<Deployment> DeployAsync()
    {
        return await _host.DeployNowAsync(_owner, _app.Id);
    }

    [Fact]
    public async Task A_deployed_container_joins_the_proxy_network_carries_no_proxy_label_and_its_route_file_names_it()
    {
        await _host.Get<RoutingService>().UpdateAsync(_owner, _app.Id, new RoutingInput { Compression = true });

        var deployment = await DeployAsync();

        Assert.Equal(DeploymentState.Running, deployment.State);
        var container = await docker.Client.Containers.InspectContainerAsync(deployment.ContainerId!);
        var labels = container.Config!.Labels;
        Assert.DoesNotContain(labels.Keys, key => key.StartsWith("traefik", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(_app.Id.ToString(), labels["goforge.app"]);
        Assert.Contains(ProxyNetwork, container.NetworkSettings!.Networks.Keys);
        Assert.Contains(EngineNames.EnvironmentNetwork(_app.EnvironmentId), container.NetworkSettings.Networks.Keys);
        var file = Path.Combine(_host.Get<IOptions<TraefikOptions>>().Value.DynamicDirectory!, TraefikFileRoutes.FileName(_app.Id));
        var route = await File.ReadAllTextAsync(file);
        Assert.Contains("Host(`wired.example.com`)", route, StringComparison.Ordinal);
        Assert.Contains("\"compress\"", route, StringComparison.Ordinal);
        Assert.Contains($"\"http://{EngineNames.AppContainer(deployment.Id, _app.Slug)}:8080\"", route, StringComparison.Ordinal);
    }
}
