using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Reconciliation;

/// <summary>
/// Leaves the engine as a crash would, for the reconciler's tests and benchmark: deployments recorded in any state,
/// containers with GoForge's labels (ours, another installation's, foreign), networks. Everything it starts is removed
/// on dispose, whether or not the reconciler already did.
/// </summary>
internal sealed class CrashScene(IDockerClient docker, TestHost host) : IAsyncDisposable
{
    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];
    private readonly List<string> _volumes = [];

    public async Task<Deployment> RecordDeploymentAsync(Guid applicationId, DeploymentState state, Guid? id = null, string? imageTag = null, string? containerId = null)
    {
        var now = DateTimeOffset.UtcNow;
        var deployment = new Deployment
        {
            Id = id ?? Guid.CreateVersion7(now), ApplicationId = applicationId, State = state, Source = DeploymentSource.Manual,
            ImageTag = imageTag, ContainerId = containerId, CreatedAt = now, UpdatedAt = now,
        };
        await host.Get<IDeploymentRepository>().CreateAsync(deployment);
        return deployment;
    }

    /// <summary>An application container's labels; <paramref name="installation"/> null for one made before the installation label.</summary>
    public static Dictionary<string, string> AppLabels(Guid appId, Guid deploymentId, string? installation)
    {
        var labels = new Dictionary<string, string>
        {
            [GoForgeLabels.Managed] = "true",
            [GoForgeLabels.App] = appId.ToString(),
            [GoForgeLabels.Deployment] = deploymentId.ToString(),
            [GoForgeLabels.Kind] = GoForgeLabels.Kinds.AppContainer,
        };
        if (installation is not null)
        {
            labels[GoForgeLabels.Installation] = installation;
        }

        return labels;
    }

    /// <summary>A container as the runner would have started it for <paramref name="deploymentId"/>: its name, labels (this installation's) and network.</summary>
    public async Task<string> RunAppContainerAsync(Application app, Guid deploymentId, string image, bool init = false)
    {
        var labels = AppLabels(app.Id, deploymentId, (await host.Get<InstallationIdentity>().IdAsync()).ToString());
        labels[GoForgeLabels.Project] = app.ProjectId.ToString();
        labels[GoForgeLabels.Environment] = app.EnvironmentId.ToString();
        return await RunAsync(labels, image: image, name: EngineNames.AppContainer(deploymentId, app.Slug),
            network: EngineNames.EnvironmentNetwork(app.EnvironmentId), init: init);
    }

    /// <param name="init">With an init process, so the container stops at SIGTERM rather than after the engine's 10 s.</param>
    public async Task<string> RunAsync(IDictionary<string, string> labels, string? volume = null, string image = BusyboxImage.Tag, string? name = null,
        string? network = null, bool init = false)
    {
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Labels = labels,
            HostConfig = new HostConfig
            {
                NetworkMode = network ?? "bridge",
                Init = init,
                Mounts = volume is null ? null : [new Mount { Type = "volume", Source = volume, Target = "/data" }],
            },
        });
        _containers.Add(created.ID);
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }

    public async Task<string> CreateVolumeAsync(string name, IDictionary<string, string> labels)
    {
        _volumes.Add(name);
        return (await docker.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Labels = labels })).Name;
    }

    public async Task<string> CreateNetworkAsync(IDictionary<string, string> labels)
    {
        var created = await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = "goforge-test-reconcile-" + Guid.NewGuid().ToString("N")[..10],
            Driver = "bridge",
            Labels = labels,
        });
        _networks.Add(created.ID);
        return created.ID;
    }

    /// <summary>Also removes the application's environment network (by name), which the deployments made.</summary>
    public void Track(string networkName) => _networks.Add(networkName);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_containers.Select(id => IgnoreMissingAsync(() => docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }))));
        foreach (var id in _networks)
        {
            await IgnoreMissingAsync(() => docker.Networks.DeleteNetworkAsync(id));
        }

        foreach (var name in _volumes)
        {
            await IgnoreMissingAsync(() => docker.Volumes.RemoveAsync(name, force: true));
        }
    }

    private static async Task IgnoreMissingAsync(Func<Task> remove)
    {
        try
        {
            await remove();
        }
        catch (DockerApiException)
        {
            // Removed already: what most tests prove.
        }
    }
}
