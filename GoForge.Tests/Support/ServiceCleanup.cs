using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Services;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Support;

/// <summary>Removes what a test's services left on the engine: every container and volume labelled with the project.</summary>
public static class ServiceCleanup
{
    public static async Task RemoveProjectServicesAsync(this IServiceProvider services, Guid projectId)
    {
        var label = new Dictionary<string, string> { [ServiceLabels.Project] = projectId.ToString() };
        var containers = services.GetRequiredService<IContainerRuntime>();
        foreach (var id in await containers.ListContainersAsync(label))
        {
            await containers.StopAndRemoveAsync(id);
        }

        var volumes = services.GetRequiredService<IVolumeStore>();
        foreach (var volume in await volumes.ListVolumesAsync(label))
        {
            await volumes.RemoveVolumeAsync(volume);
        }
    }
}
