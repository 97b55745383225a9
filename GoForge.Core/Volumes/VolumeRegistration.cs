using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Core.Volumes;

public static class VolumeRegistration
{
    /// <summary>Application volumes: the service, the deploy step's mounts and their validated options.</summary>
    public static IServiceCollection AddAppVolumes(this IServiceCollection services)
    {
        services.AddOptions<AppVolumeOptions>()
            .BindConfiguration(AppVolumeOptions.SectionName)
            .Validate(o => o.ProtectedHostPaths.All(p => p.StartsWith('/')), $"{AppVolumeOptions.SectionName}:ProtectedHostPaths holds absolute paths only.")
            .ValidateOnStart();
        services.AddSingleton<AppVolumeService>();
        services.AddSingleton<AppVolumeMounts>();
        return services;
    }
}
