using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GoForge.Infrastructure.Docker;

public static class DockerAdapterRegistration
{
    /// <summary>Registers the image builder and container runtime over the one cached <see cref="DockerClientProvider"/>.</summary>
    public static IServiceCollection AddDockerAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<DockerClientProvider>();
        services.TryAddSingleton<IImageBuilder, DockerImageBuilder>();
        services.TryAddSingleton<IContainerRuntime, DockerContainerRuntime>();
        services.TryAddSingleton<IServiceRuntime, DockerServiceRuntime>();
        return services;
    }
}
