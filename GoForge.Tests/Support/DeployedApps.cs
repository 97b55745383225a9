using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Support;

/// <summary>Clean-up for tests that deploy on the shared engine: every container and image an application got.</summary>
public static class DeployedApps
{
    public static async Task RemoveAsync(IServiceProvider services, params IEnumerable<Guid> applicationIds)
    {
        var runtime = services.GetRequiredService<IContainerRuntime>();
        var deployments = services.GetRequiredService<IDeploymentRepository>();
        foreach (var app in applicationIds)
        {
            foreach (var id in await runtime.ListContainersAsync(new Dictionary<string, string> { ["goforge.app"] = app.ToString() }))
            {
                await runtime.StopAndRemoveAsync(id);
            }

            foreach (var deployment in await deployments.ListByApplicationAsync(app, 50))
            {
                if (deployment.ImageTag is { } tag)
                {
                    await runtime.RemoveImageAsync(tag);
                }
            }
        }
    }

    /// <summary>Removes the environments' networks (<c>goforge-env-&lt;id&gt;</c>); one still holding a container is left.</summary>
    public static async Task RemoveNetworksAsync(IServiceProvider services, IEnumerable<Guid> environmentIds)
    {
        var networks = services.GetRequiredService<INetworkStore>();
        foreach (var environment in environmentIds)
        {
            foreach (var network in await networks.FindByNameAsync(EngineNames.EnvironmentNetwork(environment)))
            {
                try
                {
                    await networks.RemoveAsync(network.Id);
                }
                catch (EngineException)
                {
                    // Still in use (another test's container): the engine keeps it.
                }
            }
        }
    }
}
