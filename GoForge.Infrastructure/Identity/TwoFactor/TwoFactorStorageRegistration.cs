using GoForge.Core.Identity.TwoFactor;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Infrastructure.Identity.TwoFactor;

internal static class TwoFactorStorageRegistration
{
    public static IServiceCollection AddTwoFactorStorage(this IServiceCollection services)
    {
        services.AddSingleton<ITotp, OtpNetTotp>();
        services.AddSingleton<ITwoFactorRepository, TwoFactorRepository>();
        services.AddSingleton<IPendingSignInRepository, PendingSignInRepository>();
        services.AddSingleton<ITwoFactorPolicyRepository, TwoFactorPolicyRepository>();
        return services;
    }
}
