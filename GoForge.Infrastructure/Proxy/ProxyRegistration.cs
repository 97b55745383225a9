using GoForge.Core.Routing;
using GoForge.Infrastructure.Crypto;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Infrastructure.Proxy.Traefik;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Proxy;

public static class ProxyRegistration
{
    /// <summary>
    /// Registers the proxy adapter chosen by <c>GoForge:Proxy:Kind</c> (<c>Traefik</c>, the default, through files its
    /// file provider reads; or <c>Caddy</c>, through its admin API) with every proxy's options, validated on start.
    /// </summary>
    public static IServiceCollection AddProxyRoutes(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>()
            .BindConfiguration(ProxyOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddOptions<TraefikOptions>()
            .BindConfiguration(TraefikOptions.SectionName)
            .PostConfigure<IOptions<SecretKeyOptions>>((traefik, data) => traefik.DynamicDirectory ??= DefaultDynamicDirectory(data.Value.DataPath))
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

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TraefikFileRoutes>();
        services.AddSingleton<CaddyProxyRoutes>();
        services.AddSingleton<IProxyRoutes>(sp => sp.GetRequiredService<IOptions<ProxyOptions>>().Value.Kind switch
        {
            ProxyKind.Traefik => sp.GetRequiredService<TraefikFileRoutes>(),
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

    /// <summary>Where Traefik's route files go when <c>GoForge:Proxy:Traefik:DynamicDirectory</c> is not set: beside GoForge's own files.</summary>
    private static string? DefaultDynamicDirectory(string? dataPath) =>
        string.IsNullOrWhiteSpace(dataPath) || !Path.IsPathFullyQualified(dataPath) ? null : Path.Combine(dataPath, "traefik");
}
