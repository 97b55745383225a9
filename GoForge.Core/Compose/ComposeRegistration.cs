using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GoForge.Core.Compose;

public static class ComposeRegistration
{
    /// <summary>
    /// Registers the compose deploy step and its parts. The loader (<see cref="IComposeLoader"/>) and the deployment
    /// rows (<see cref="IComposeDeployments"/>) come from Infrastructure.
    /// </summary>
    public static IServiceCollection AddComposeDeploy(this IServiceCollection services)
    {
        services.TryAddSingleton<Deployments.RepositoryClone>();
        services.TryAddSingleton<Deployments.DeploymentSuccession>();
        services.TryAddSingleton<ComposeSource>();
        services.TryAddSingleton<ComposeImages>();
        services.TryAddSingleton<ComposeVolumes>();
        services.TryAddSingleton<ComposeRoutes>();
        services.TryAddSingleton<ComposeRouteRepair>();
        services.TryAddSingleton<ComposeRollout>();
        services.TryAddSingleton<ComposeDeployStep>();
        services.TryAddSingleton<Deployments.IComposeDeployStep>(s => s.GetRequiredService<ComposeDeployStep>());
        return services;
    }
}
