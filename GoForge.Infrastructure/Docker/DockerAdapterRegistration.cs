using GoForge.Core.Containers;
using GoForge.Core.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using GoForge.Infrastructure.Docker.BuildKit;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Docker;

public static class DockerAdapterRegistration
{
    /// <summary>
    /// Registers the BuildKit image builder (with its <see cref="BuildContextOptions"/> and <see cref="BuildKitOptions"/>,
    /// validated on start), container runtime,
    /// image puller, volume store, network store and service runtime over the one cached <see cref="DockerClientProvider"/>.
    /// </summary>
    public static IServiceCollection AddDockerAdapters(this IServiceCollection services)
    {
        services.AddOptions<BuildContextOptions>()
            .BindConfiguration(BuildContextOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<BuildKitOptions>()
            .BindConfiguration(BuildKitOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BuildKitOptions>, BuildKitOptionsValidator>());
        services.TryAddSingleton<DockerClientProvider>();
        services.TryAddSingleton<BuildCgroupLimits>();
        services.TryAddSingleton<BuildCacheLedger>();
        services.TryAddSingleton<BuildCacheBudget>();
        services.TryAddSingleton<IImageBuilder, BuildKitImageBuilder>();
        services.TryAddSingleton<IContainerRuntime, DockerContainerRuntime>();
        services.TryAddSingleton<IImagePuller, DockerImagePuller>();
        services.TryAddSingleton<IRegistryImages, DockerRegistryImages>();
        services.TryAddSingleton<IVolumeStore, DockerVolumeStore>();
        services.TryAddSingleton<GoForge.Core.Volumes.IVolumeUsage, DockerVolumeUsage>();
        services.TryAddSingleton<INetworkStore, DockerNetworkStore>();
        services.TryAddSingleton<IServiceRuntime, DockerServiceRuntime>();
        services.TryAddSingleton<IContainerLifecycle, DockerContainerLifecycle>();
        services.TryAddSingleton<IContainerWaits, DockerContainerWaits>();
        services.TryAddSingleton<GoForge.Core.Backups.IContainerExec, DockerContainerExec>();
        services.TryAddSingleton<GoForge.Core.Servers.ISwarmServices, Swarm.DockerSwarmServices>();
        return services;
    }
}
