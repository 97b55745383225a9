using GoForge.Core.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GoForge.Infrastructure.Docker.Monitoring;

public static class MonitoringAdapterRegistration
{
    /// <summary>
    /// Registers the engine's stats, logs, events, inventory and maintenance adapters over the one cached
    /// <see cref="DockerClientProvider"/>.
    /// </summary>
    public static IServiceCollection AddMonitoringAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton<DockerClientProvider>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IContainerStatsSource, DockerStatsSource>();
        services.TryAddSingleton<IContainerLogSource, DockerLogSource>();
        services.TryAddSingleton<IEngineEventSource, DockerEventSource>();
        services.TryAddSingleton<IContainerInventory, DockerContainerInventory>();
        services.TryAddSingleton<DockerMaintenance>();
        services.TryAddSingleton<IDockerMaintenance>(sp => sp.GetRequiredService<DockerMaintenance>());
        return services;
    }
}
