using GoForge.Core.Deployments;
using GoForge.Core.Runtime;
using GoForge.Infrastructure.Deployments;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Infrastructure.Runtime;

internal static class RuntimeRegistration
{
    /// <summary>The repositories of run states and deployment fingerprints (docs/deployments/apply-and-stop.md).</summary>
    public static IServiceCollection AddApplicationRuntimeRepositories(this IServiceCollection services)
    {
        services.AddSingleton<IApplicationRunStates, ApplicationRunStateRepository>();
        services.AddSingleton<IDeploymentFingerprints, DeploymentFingerprintRepository>();
        return services;
    }
}
