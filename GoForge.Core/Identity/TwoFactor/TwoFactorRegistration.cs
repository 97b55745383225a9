using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Core.Identity.TwoFactor;

public static class TwoFactorRegistration
{
    public static IServiceCollection AddTwoFactorServices(this IServiceCollection services)
    {
        services.AddSingleton<TwoFactorVerifier>();
        services.AddSingleton<TwoFactorPolicyService>();
        services.AddSingleton<TwoFactorService>();
        services.AddSingleton<TwoFactorAdministration>();
        services.AddSingleton<RecentSecondFactor>();
        services.AddSingleton<SecondFactorSignIn>();
        return services;
    }
}
