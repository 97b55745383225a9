using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy.Traefik;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy;

public static class ProxyRegistration
{
    /// <summary>Registers the proxy adapter (Traefik, through container labels) with its options, validated on start.</summary>
    public static IServiceCollection AddProxyRoutes(this IServiceCollection services)
    {
        services.AddOptions<TraefikOptions>()
            .BindConfiguration(TraefikOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TraefikOptions>, TraefikOptionsValidator>();
        services.AddSingleton<IProxyRoutes, TraefikProxyRoutes>();
        return services;
    }
}
