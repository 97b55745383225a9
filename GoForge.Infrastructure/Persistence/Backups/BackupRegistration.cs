using GoForge.Core.Backups;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Persistence.Backups;

public static class BackupRegistration
{
    /// <summary>Registers pg_dump/pg_restore behind Core's <see cref="IDatabaseDumps"/> and the post-restore <see cref="IDatabaseUpgrade"/>.</summary>
    public static IServiceCollection AddDatabaseBackups(this IServiceCollection services)
    {
        services.AddOptions<BackupOptions>()
            .BindConfiguration(BackupOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BackupOptions>, BackupOptionsValidator>();
        services.AddSingleton<IDatabaseDumps, PostgresDumps>();
        services.AddSingleton<IDatabaseUpgrade, DatabaseUpgrade>();
        return services;
    }
}
