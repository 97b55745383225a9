using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Backups;

public static class BackupRegistration
{
    /// <summary>Backups of services and of the panel's database: rules, services, runner; the worker and scheduler come with <see cref="AddBackupWorkers"/>.</summary>
    public static IServiceCollection AddServiceBackups(this IServiceCollection services)
    {
        services.AddOptions<BackupRunOptions>().BindConfiguration(BackupRunOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BackupRunOptions>, BackupRunOptionsValidator>();
        services.AddSingleton<BackupSignal>();
        services.AddSingleton<Common.Live.ChangeFeed<BackupRunChange>>();
        services.AddSingleton<BackupCancellations>();
        services.AddSingleton<BackupEngines>();
        services.AddSingleton<BackupRequests>();
        services.AddSingleton<BackupTargetOperations>();
        services.AddSingleton<BackupDestinationService>();
        services.AddSingleton<ServiceBackupService>();
        services.AddSingleton<PanelBackupService>();
        services.AddSingleton<BackupRunner>();
        services.AddSingleton<BackupLeftovers>();
        services.AddSingleton<BackupRetention>();
        services.AddSingleton<BackupWorker>();
        services.AddSingleton<BackupScheduler>();
        return services;
    }

    /// <summary>The backup worker and scheduler, for the panel process only.</summary>
    public static IServiceCollection AddBackupWorkers(this IServiceCollection services)
    {
        services.AddHostedService(sp => sp.GetRequiredService<BackupWorker>());
        services.AddHostedService(sp => sp.GetRequiredService<BackupScheduler>());
        return services;
    }
}
