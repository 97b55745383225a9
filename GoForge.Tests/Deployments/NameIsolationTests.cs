using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Upgrades;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Deployments;

/// <summary>
/// Issue 17, item 1, on the real engine and PostgreSQL: projects whose slugs joined with hyphens give the same old
/// name (<c>beta-corp</c> + <c>production</c>, <c>beta</c> + <c>corp-production</c>) get networks of their own and
/// cannot reach each other; their first deploys at the same moment all succeed, and so do later ones; and an install
/// holding the old shared network is moved onto the new ones at start-up, apps and services still working.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NameIsolationTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("goforge-names-").FullName;
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..12];
    private readonly string _proxyNetwork = $"goforge-test-proxy-{Guid.NewGuid():N}"[..32];
    private readonly List<Guid> _projects = [];
    private readonly List<Guid> _apps = [];
    private readonly List<Guid> _environments = [];
    private TestTemplateFolder _templates = null!;
    private SampleRepository _repository = null!;
    private TestHost _host = null!;
    private Actor _owner = null!;

    public async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker);
        _repository = new SampleRepository(_root);
        _repository.Commit("First version", SampleDockerfiles.ServesIndex(_nonce), new Dictionary<string, string> { ["index.html"] = "hello" });
        _host = await TestHost.StartAsync(postgres, "names", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Deployments:WorkDirectory"] = Path.Combine(_root, "work"),
            ["GoForge:Deployments:DeployTimeout"] = "00:00:30",
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
            // As the production compose file: the proxy reaches containers on a network of its own.
            ["GoForge:Proxy:Network"] = _proxyNetwork,
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
    }

    public async Task DisposeAsync()
    {
        await DeployedApps.RemoveAsync(_host.Services, _apps);
        foreach (var project in _projects)
        {
            await _host.Services.RemoveProjectServicesAsync(project);
        }

        foreach (var name in _environments.Select(EngineNames.EnvironmentNetwork).Append(_proxyNetwork).Append(Legacy))
        {
            foreach (var network in await NetworksNamedAsync(name))
            {
                await docker.Client.Networks.DeleteNetworkAsync(network.ID);
            }
        }

        await _host.DisposeAsync();
        _templates.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>The old name both <c>beta-corp</c>/<c>production-…</c> and <c>beta</c>/<c>corp-production-…</c> had.</summary>
    private string Legacy => EngineNames.Legacy.EnvironmentNetwork("beta-corp", $"production-{_nonce}");

    [Fact]
    public async Task Projects_whose_slugs_join_alike_get_separate_networks_and_their_containers_cannot_reach_each_other()
    {
        var (_, envA, appA) = await AppAsync("beta-corp", $"production-{_nonce}");
        var (_, envB, appB) = await AppAsync("beta", $"corp-production-{_nonce}");

        var a = await DeployAsync(appA);
        var b = await DeployAsync(appB);

        var netA = EngineNames.EnvironmentNetwork(envA.Id);
        var netB = EngineNames.EnvironmentNetwork(envB.Id);
        Assert.NotEqual(netA, netB);
        var containerA = await docker.Client.Containers.InspectContainerAsync(a.ContainerId!);
        var containerB = await docker.Client.Containers.InspectContainerAsync(b.ContainerId!);
        Assert.Equal("/" + EngineNames.AppContainer(a.Id, appA.Slug), containerA.Name);
        Assert.Equal(new[] { netA, _proxyNetwork }.Order(StringComparer.Ordinal), containerA.NetworkSettings!.Networks!.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(netB, containerA.NetworkSettings.Networks.Keys);
        Assert.DoesNotContain(netA, containerB.NetworkSettings!.Networks!.Keys);
        var network = await docker.Client.Networks.InspectNetworkAsync(netA);
        Assert.Equal(await _host.Get<InstallationIdentity>().StampAsync(EnvironmentNetworks.OwnerLabels(envA.ProjectId, envA.Id)), network.Labels);
        Assert.Equal(GoForgeLabels.Kinds.AppContainer, containerA.Config!.Labels[GoForgeLabels.Kind]);
        Assert.Equal(envA.Id.ToString(), containerA.Config.Labels[GoForgeLabels.Environment]);

        var addressA = containerA.NetworkSettings.Networks[netA].IPAddress;
        var addressB = containerB.NetworkSettings.Networks[netB].IPAddress;
        Assert.True(await CanFetchAsync(a.ContainerId!, addressA), "a container reaches its own address (the probe works)");
        Assert.False(await CanFetchAsync(a.ContainerId!, addressB), "beta-corp/production reaches beta/corp-production's container");
        Assert.False(await CanFetchAsync(b.ContainerId!, addressA), "beta/corp-production reaches beta-corp/production's container");
    }

    [Fact]
    public async Task Concurrent_first_deploys_of_projects_whose_slugs_join_alike_all_succeed_and_so_do_later_ones()
    {
        var (_, envA, appA) = await AppAsync("acme-corp", $"production-{_nonce}");
        var (_, envB, appB) = await AppAsync("acme", $"corp-production-{_nonce}");
        var second = await SecondAppAsync(envA, "api");

        // Two projects and two apps of one environment, all first deploys, all at once.
        var first = await Task.WhenAll(new[] { appA, appB, second }.Select(app => Task.Run(() => DeployAsync(app))));

        Assert.All(first, d => Assert.True(d.State == DeploymentState.Running, $"{d.Id}: {d.State} ({d.Reason})"));
        Assert.Single(await NetworksNamedAsync(EngineNames.EnvironmentNetwork(envA.Id)));
        Assert.Single(await NetworksNamedAsync(EngineNames.EnvironmentNetwork(envB.Id)));
        var later = await Task.WhenAll(new[] { appA, appB }.Select(app => Task.Run(() => DeployAsync(app))));
        Assert.All(later, d => Assert.True(d.State == DeploymentState.Running, $"{d.Id}: {d.State} ({d.Reason})"));
        Assert.Equal(DeploymentState.Running, (await DeployAsync(second)).State);
    }

    [Fact]
    public async Task The_start_up_migration_moves_containers_off_an_old_shared_network_onto_their_own_and_they_keep_working()
    {
        var (_, envA, appA) = await AppAsync("beta-corp", $"production-{_nonce}");
        var (_, envB, appB) = await AppAsync("beta", $"corp-production-{_nonce}");
        var a = await DeployAsync(appA);
        var b = await DeployAsync(appB);
        var service = await ServiceAsync(envA, "kv");
        await ExecAsync(service.ContainerId!, "sh", "-c", "echo kv > /data/index.html"); // it serves /data
        var netA = EngineNames.EnvironmentNetwork(envA.Id);
        var netB = EngineNames.EnvironmentNetwork(envB.Id);

        // The install as GoForge left it before issue 17: one network of the old name, labelled only as managed,
        // holding both projects' containers (the service under its host alias), and no network of the new names.
        var legacy = await docker.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = Legacy,
            Driver = "bridge",
            Labels = new Dictionary<string, string> { [GoForgeLabels.Managed] = "true" },
        });
        await MoveAsync(a.ContainerId!, netA, legacy.ID, []);
        await MoveAsync(service.ContainerId!, netA, legacy.ID, ["kv"]);
        await MoveAsync(b.ContainerId!, netB, legacy.ID, []);
        await docker.Client.Networks.DeleteNetworkAsync(netA);
        await docker.Client.Networks.DeleteNetworkAsync(netB);
        var oldAddressB = (await docker.Client.Containers.InspectContainerAsync(b.ContainerId!)).NetworkSettings!.Networks![Legacy].IPAddress;
        Assert.True(await CanFetchAsync(a.ContainerId!, oldAddressB), "the old shared network lets one project reach the other (the bug)");
        Assert.True(await CanFetchAsync(a.ContainerId!, "kv"), "the app reaches its service by host name on the old network");

        var report = await _host.Get<LegacyNetworkMigration>().RunAsync();

        Assert.Equal(new LegacyNetworkReport(Moved: 3, Removed: 1, Kept: 0), report);
        Assert.Empty(await NetworksNamedAsync(Legacy));
        var containerA = await docker.Client.Containers.InspectContainerAsync(a.ContainerId!);
        var containerB = await docker.Client.Containers.InspectContainerAsync(b.ContainerId!);
        var containerKv = await docker.Client.Containers.InspectContainerAsync(service.ContainerId!);
        Assert.Contains(netA, containerA.NetworkSettings!.Networks!.Keys);
        Assert.Contains(netB, containerB.NetworkSettings!.Networks!.Keys);
        Assert.Contains("kv", containerKv.NetworkSettings!.Networks![netA].Aliases!);
        Assert.Equal(await _host.Get<InstallationIdentity>().StampAsync(EnvironmentNetworks.OwnerLabels(envA.ProjectId, envA.Id)), (await docker.Client.Networks.InspectNetworkAsync(netA)).Labels);
        Assert.True(await CanFetchAsync(a.ContainerId!, "kv"), "the app still reaches its service by host name");
        Assert.False(await CanFetchAsync(a.ContainerId!, containerB.NetworkSettings.Networks[netB].IPAddress), "the projects are apart");
        Assert.Equal(new LegacyNetworkReport(0, 0, 0), await _host.Get<LegacyNetworkMigration>().RunAsync()); // idempotent
        Assert.Equal(DeploymentState.Running, (await DeployAsync(appA)).State);
        Assert.Equal(DeploymentState.Running, (await DeployAsync(appB)).State);
    }

    private async Task<(Project Project, ProjectEnvironment Environment, Application App)> AppAsync(string projectName, string environmentName)
    {
        var project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput(projectName, null))).Value!;
        _projects.Add(project.Id);
        var environment = (await _host.Get<EnvironmentService>().CreateAsync(_owner, project.Id, environmentName)).Value!;
        _environments.Add(environment.Id);
        Assert.Equal((projectName, environmentName), (project.Slug, environment.Slug));
        return (project, environment, await SecondAppAsync(environment, "web"));
    }

    private async Task<Application> SecondAppAsync(ProjectEnvironment environment, string name)
    {
        var created = await _host.Get<ApplicationService>().CreateAsync(_owner, environment.Id, new ApplicationInput
        {
            Name = name,
            GitUrl = _repository.GitUrl,
            Branch = "main",
            ContainerPort = 8080,
            HealthCheckPath = "/",
        });
        Assert.True(created.IsSuccess, created.Error?.Message);
        _apps.Add(created.Value!.Id);
        return created.Value!;
    }

    private async Task<ServiceInstance> ServiceAsync(ProjectEnvironment environment, string name)
    {
        var services = _host.Get<ServiceInstanceService>();
        var preview = (await services.PreviewAsync("test-kv")).Value!;
        var created = await services.CreateAsync(_owner, environment.Id, new ServiceInstanceInput
        {
            TemplateId = "test-kv",
            Name = name,
            Inputs = preview.Inputs,
            Domain = $"{name}-{_nonce}.example.test",
        });
        Assert.True(created.IsSuccess, created.Error?.Message);
        Assert.True(created.Value!.State == ServiceState.Running, created.Value.Reason);
        return created.Value;
    }

    private async Task<Deployment> DeployAsync(Application app)
    {
        var ended = await _host.DeployNowAsync(_owner, app.Id);
        Assert.True(ended.State == DeploymentState.Running, $"{app.Slug}: {ended.State} ({ended.Reason})");
        return ended;
    }

    private async Task MoveAsync(string containerId, string from, string to, IList<string> aliases)
    {
        await docker.Client.Networks.ConnectNetworkAsync(to, new NetworkConnectParameters { Container = containerId, EndpointConfig = new EndpointSettings { Aliases = aliases } });
        await docker.Client.Networks.DisconnectNetworkAsync(from, new NetworkDisconnectParameters { Container = containerId });
    }

    private async Task<string> ExecAsync(string containerId, params IList<string> command)
    {
        var exec = await docker.Client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true });
        using var stream = await docker.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters());
        return (await stream.ReadOutputToEndAsync(CancellationToken.None)).stdout;
    }

    private Task<bool> CanFetchAsync(string containerId, string host) => ContainerHttp.CanFetchFromAsync(docker.Client, containerId, host);

    private async Task<IReadOnlyList<NetworkResponse>> NetworksNamedAsync(string name) =>
        (await docker.Client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
        })).Where(n => n.Name == name).ToList();
}
