using GoForge.Core.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Crypto;

public static class CryptoRegistration
{
    /// <summary>
    /// Registers encryption of stored secrets: the validated <see cref="SecretKeyOptions"/>, the key ring, the
    /// AES-256-GCM <see cref="ISecretProtector"/>, the <see cref="ISecretKeyRotator"/> and the start-up
    /// <see cref="SecretKeyCheck"/> (run it right after migrations). Needs the <c>NpgsqlDataSource</c> registered
    /// by the infrastructure. Calling it twice registers nothing twice.
    /// </summary>
    public static IServiceCollection AddSecretProtection(this IServiceCollection services)
    {
        // Binding twice would append the retired keys to themselves; once is enough.
        if (services.Any(d => d.ServiceType == typeof(SecretKeyRing)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SecretKeyOptions>()
            .BindConfiguration(SecretKeyOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecretKeyOptions>, SecretKeyOptionsValidator>();
        services.AddSingleton<SecretKeyRing>();
        services.AddSingleton<ISecretProtector, AesGcmSecretProtector>();
        services.AddSingleton<ISecretKeyRotator, SecretKeyRotator>();
        services.AddSingleton<SecretKeyCheck>();
        return services;
    }
}
