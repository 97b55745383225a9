using GoForge.Core.Deployments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Registry;

/// <summary>Image applications: the pull step, credentials and the digest check (docs/decisions/registry-image-apps.md).</summary>
public static class RegistryRegistration
{
    public static IServiceCollection AddRegistryImageServices(this IServiceCollection services)
    {
        services.AddOptions<RegistryOptions>()
            .BindConfiguration(RegistryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>();
        services.AddSingleton<IImagePullStep, ImagePullStep>();
        services.AddSingleton<RegistryCredentialService>();
        services.AddSingleton<DigestCheck>();
        return services;
    }

    /// <summary>The digest check's loop, for the panel process only.</summary>
    public static IServiceCollection AddRegistryWorkers(this IServiceCollection services) =>
        services.AddHostedService<DigestCheckWorker>();
}
