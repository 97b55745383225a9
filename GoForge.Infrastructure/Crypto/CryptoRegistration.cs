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
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SecretKeyOptions>()
            .BindConfiguration(SecretKeyOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretKeyOptions>, SecretKeyOptionsValidator>());
        services.TryAddSingleton<SecretKeyRing>();
        services.TryAddSingleton<ISecretProtector, AesGcmSecretProtector>();
        services.TryAddSingleton<ISecretKeyRotator, SecretKeyRotator>();
        services.TryAddSingleton<SecretKeyCheck>();
        return services;
    }
}
