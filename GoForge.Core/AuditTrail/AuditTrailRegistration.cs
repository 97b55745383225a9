using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Core.AuditTrail;

public static class AuditTrailRegistration
{
    /// <summary>The audit log's reading service, retention setting and prune; the repositories come from Infrastructure.</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddSingleton<AuditLogService>();
        services.AddSingleton<AuditRetention>();
        services.AddSingleton<AuditPrune>();
        return services;
    }

    /// <summary>The daily prune, for the panel process only (with the other workers).</summary>
    public static IServiceCollection AddAuditTrailWorkers(this IServiceCollection services)
    {
        services.AddHostedService<AuditPruneWorker>();
        return services;
    }
}
