using GoForge.Core.GitProviders;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Core.Previews;

public static class PreviewsRegistration
{
    /// <summary>Preview deployments of pull requests (docs/decisions/previews.md); the repository comes from Infrastructure.</summary>
    public static IServiceCollection AddPreviews(this IServiceCollection services)
    {
        services.AddSingleton<PreviewSettingsRules>();
        services.AddSingleton<PreviewDeployer>();
        services.AddSingleton<PreviewTeardown>();
        services.AddSingleton<PreviewLanes>();
        services.AddSingleton<Deployments.IPreviewLanes>(sp => sp.GetRequiredService<PreviewLanes>());
        services.AddSingleton<PreviewIdleCleanup>();
        services.AddSingleton<PreviewService>();
        services.AddSingleton<PullRequestPreviews>();
        services.AddSingleton<IPullRequestEvents>(sp => sp.GetRequiredService<PullRequestPreviews>());
        return services;
    }

    /// <summary>The idle clean-up, for the panel process only (with the other workers).</summary>
    public static IServiceCollection AddPreviewWorkers(this IServiceCollection services)
    {
        services.AddHostedService<PreviewIdleWorker>();
        return services;
    }
}
