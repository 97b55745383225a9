using GoForge.Core.Containers;
using GoForge.Core.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GoForge.Infrastructure.Docker;

public static class DockerAdapterRegistration
{
    /// <summary>
    /// Registers the image builder (with its <see cref="BuildContextOptions"/>, validated on start), container runtime,
    /// image puller, volume store, network store and service runtime over the one cached <see cref="DockerClientProvider"/>.
    /// </summary>
    public static IServiceCollection AddDockerAdapters(this IServiceCollection services)
    {
        services.AddOptions<BuildContextOptions>()
            .BindConfiguration(BuildContextOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<DockerClientProvider>();
        services.TryAddSingleton<IImageBuilder, DockerImageBuilder>();
        services.TryAddSingleton<IContainerRuntime, DockerContainerRuntime>();
        services.TryAddSingleton<IImagePuller, DockerImagePuller>();
        services.TryAddSingleton<IVolumeStore, DockerVolumeStore>();
        services.TryAddSingleton<INetworkStore, DockerNetworkStore>();
        services.TryAddSingleton<IServiceRuntime, DockerServiceRuntime>();
        services.TryAddSingleton<IContainerLifecycle, DockerContainerLifecycle>();
        return services;
    }
}
