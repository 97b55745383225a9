using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Infrastructure.Proxy.Traefik;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy;

public static class ProxyRegistration
{
    /// <summary>
    /// Registers the proxy adapter chosen by <c>GoForge:Proxy:Kind</c> (<c>Traefik</c>, the default, through container
    /// labels; or <c>Caddy</c>, through its admin API) with every proxy's options, validated on start.
    /// </summary>
    public static IServiceCollection AddProxyRoutes(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>()
            .BindConfiguration(ProxyOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddOptions<TraefikOptions>()
            .BindConfiguration(TraefikOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TraefikOptions>, TraefikOptionsValidator>();
        services.AddOptions<CaddyOptions>()
            .BindConfiguration(CaddyOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CaddyOptions>, CaddyOptionsValidator>();
        services.AddHttpClient(CaddyProxyRoutes.ClientName)
            // Loopback TCP or a unix socket, never through an HTTP proxy from the environment.
            .ConfigurePrimaryHttpMessageHandler(sp => CaddyAdminTransport.CreateHandler(sp.GetRequiredService<IOptions<CaddyOptions>>().Value));

        services.AddHttpClient(TraefikProxyProbe.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

        services.AddSingleton<TraefikProxyRoutes>();
        services.AddSingleton<CaddyProxyRoutes>();
        services.AddSingleton<IProxyRoutes>(sp => sp.GetRequiredService<IOptions<ProxyOptions>>().Value.Kind switch
        {
            ProxyKind.Traefik => sp.GetRequiredService<TraefikProxyRoutes>(),
            ProxyKind.Caddy => sp.GetRequiredService<CaddyProxyRoutes>(),
            var kind => throw new OptionsValidationException(ProxyOptions.SectionName, typeof(ProxyOptions), [$"{ProxyOptions.SectionName}:Kind '{kind}' is not a known proxy."]),
        });
        services.AddSingleton<TraefikProxyProbe>();
        services.AddSingleton<CaddyProxyProbe>();
        services.AddSingleton<IProxyProbe>(sp => sp.GetRequiredService<IOptions<ProxyOptions>>().Value.Kind == ProxyKind.Caddy
            ? sp.GetRequiredService<CaddyProxyProbe>()
            : sp.GetRequiredService<TraefikProxyProbe>());
        return services;
    }
}
