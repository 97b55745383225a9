using Docker.DotNet;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Actor = GoForge.Core.Identity.Actor;

namespace GoForge.Tests.Services;

/// <summary>
/// A service the panel checks over TCP or HTTP joins the probe network even when nothing routes it, so a panel in its
/// own container, which reaches no environment's network, can still check it (real engine and PostgreSQL).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceProbeNetworkTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<DockerFixture>, IAsyncLifetime
{
    private const string Template = "test-unrouted";
    private const string ExecTemplate = "test-unrouted-exec";
    private readonly string _probeNetwork = $"goforge-test-probe-{Guid.NewGuid().ToString("N")[..10]}";
    private TestTemplateFolder _templates = null!;
    private TestHost _host = null!;
    private Actor _owner = null!;
    private Project _project = null!;
    private ProjectEnvironment _environment = null!;

    public async Task InitializeAsync()
    {
        _templates = await TestTemplateFolder.CreateAsync(docker);
        await _templates.AddUnroutedVariantAsync(Template);
        await _templates.AddUnroutedVariantAsync(ExecTemplate, execCheck: true);
        _host = await TestHost.StartAsync(postgres, "svcprobe", new Dictionary<string, string?>
        {
            ["GoForge:Docker:Endpoint"] = docker.Endpoint.ToString(),
            ["GoForge:Catalog:TemplateFolder"] = _templates.Path,
            ["GoForge:Docker:ProbeNetwork"] = _probeNetwork,
        });
        _owner = Actor.From(await TestUsers.CreateAsync(_host));
        _project = (await _host.Get<ProjectService>().CreateAsync(_owner, new ProjectInput($"Probe {Guid.NewGuid():N}"[..16], null))).Value!;
        _environment = (await _host.Get<EnvironmentService>().ListAsync(_owner, _project.Id)).Value![0];
    }

    public async Task DisposeAsync()
    {
        await _host.Services.RemoveProjectServicesAsync(_project.Id);
        await _host.DisposeAsync();
        foreach (var network in new[] { _probeNetwork, EngineNames.EnvironmentNetwork(_environment.Id) })
        {
            try
            {
                await docker.Client.Networks.DeleteNetworkAsync(network);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Never created.
            }
        }

        _templates.Dispose();
    }

    [Fact]
    public async Task An_unrouted_service_with_a_tcp_check_joins_the_probe_network_and_is_healthy_through_it()
    {
        var service = await CreateAsync(Template, "kv");

        Assert.StartsWith("healthy: port 8080 accepts connections", service.Reason, StringComparison.Ordinal);
        Assert.Equal(new[] { EngineNames.EnvironmentNetwork(_environment.Id), _probeNetwork }.Order(StringComparer.Ordinal), await NetworksOfAsync(service));
    }

    [Fact]
    public async Task An_unrouted_service_checked_inside_its_container_stays_on_its_environment_network_alone()
    {
        var service = await CreateAsync(ExecTemplate, "db");

        Assert.StartsWith("healthy: the health command passed", service.Reason, StringComparison.Ordinal);
        Assert.Equal([EngineNames.EnvironmentNetwork(_environment.Id)], await NetworksOfAsync(service));
    }

    private async Task<ServiceInstance> CreateAsync(string template, string name)
    {
        var services = _host.Get<ServiceInstanceService>();
        var preview = Succeeded(await services.PreviewAsync(template));
        var service = Succeeded(await services.CreateAsync(_owner, _environment.Id, new ServiceInstanceInput { TemplateId = template, Name = name, Inputs = preview.Inputs }));
        Assert.True(service.State == ServiceState.Running, service.Reason);
        return service;
    }

    /// <summary>The networks the service's container is on, by name, sorted; and no proxy route.</summary>
    private async Task<IReadOnlyList<string>> NetworksOfAsync(ServiceInstance service)
    {
        var container = await docker.Client.Containers.InspectContainerAsync(service.ContainerId!);
        Assert.DoesNotContain("traefik.enable", container.Config!.Labels!.Keys);
        return [.. container.NetworkSettings!.Networks!.Keys.Order(StringComparer.Ordinal)];
    }

    private static T Succeeded<T>(Result<T> result)
    {
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }
}
