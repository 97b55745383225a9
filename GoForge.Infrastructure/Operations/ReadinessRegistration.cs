using GoForge.Infrastructure.Docker;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Infrastructure.Operations;

public static class ReadinessRegistration
{
    /// <summary>Tag of the checks <c>/readyz</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The readiness checks of GoForge's own dependencies: its PostgreSQL database and the Docker engine.</summary>
    public static IServiceCollection AddGoForgeHealthChecks(this IServiceCollection services)
    {
        services.AddOptions<ReadinessOptions>()
            .BindConfiguration(ReadinessOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>(PostgresHealthCheck.Name, tags: [ReadyTag])
            .AddCheck<DockerHealthCheck>(DockerHealthCheck.Name, tags: [ReadyTag]);
        return services;
    }
}
