using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GoForge.Core.Secrets;

public static class SecretsRegistration
{
    /// <summary>Registers <see cref="SecretAdministration"/>; the ports it uses come from the infrastructure's <c>AddSecretProtection()</c>.</summary>
    public static IServiceCollection AddSecretsServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SecretAdministration>();
        return services;
    }
}
