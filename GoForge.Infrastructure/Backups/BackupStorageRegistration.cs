using GoForge.Core.Backups;
using GoForge.Infrastructure.Backups.Storage;
using GoForge.Infrastructure.Crypto;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Backups;

public static class BackupStorageRegistration
{
    /// <summary>The backups' repositories, the stores behind <see cref="IBackupStoreFactory"/>, and the temporary folder of the panel database's dumps.</summary>
    public static IServiceCollection AddBackupStorage(this IServiceCollection services)
    {
        services.AddSingleton<IBackupDestinationRepository, BackupDestinationRepository>();
        services.AddSingleton<IBackupScheduleRepository, BackupScheduleRepository>();
        services.AddSingleton<IBackupRunRepository, BackupRunRepository>();
        services.AddSingleton<IBackupStoreFactory, BackupStoreFactory>();
        services.AddOptions<BackupRunOptions>().PostConfigure<IOptions<SecretKeyOptions>>((backups, data) =>
            backups.TempFolder ??= Path.Combine(data.Value.DataPath, "backup-temp"));
        return services;
    }
}
