using GoForge.Core.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GoForge.Core;

public static class DependencyInjection
{
    /// <summary>Registers GoForge's business services and their validated options.</summary>
    public static IHostApplicationBuilder AddGoForgeCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();

        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SignInService>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<SetupService>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<AccountService>();
        return builder;
    }
}
