using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Backups.Engines;

public static class ServiceBackupEngineRegistration
{
    /// <summary>
    /// Registers one <see cref="IServiceBackupEngine"/> per catalog database that can be backed up (PostgreSQL,
    /// MariaDB, MySQL, Redis, Valkey), all over <see cref="IContainerExec"/> (Docker's exec in Infrastructure).
    /// </summary>
    public static IServiceCollection AddServiceBackupEngines(this IServiceCollection services)
    {
        // Idempotent: the factory registrations below cannot go through TryAddEnumerable.
        if (services.Any(d => d.ServiceType == typeof(IServiceBackupEngine) && d.ImplementationType == typeof(PostgresBackupEngine)))
        {
            return services;
        }

        services.AddSingleton<IServiceBackupEngine, PostgresBackupEngine>();
        services.AddSingleton<IServiceBackupEngine>(sp => MySqlBackupEngine.MariaDb(sp.GetRequiredService<IContainerExec>()));
        services.AddSingleton<IServiceBackupEngine>(sp => MySqlBackupEngine.MySql(sp.GetRequiredService<IContainerExec>()));
        services.AddSingleton<IServiceBackupEngine>(sp => RedisBackupEngine.Redis(sp.GetRequiredService<IContainerExec>(), sp.GetRequiredService<ILogger<RedisBackupEngine>>()));
        services.AddSingleton<IServiceBackupEngine>(sp => RedisBackupEngine.Valkey(sp.GetRequiredService<IContainerExec>(), sp.GetRequiredService<ILogger<RedisBackupEngine>>()));
        return services;
    }
}
