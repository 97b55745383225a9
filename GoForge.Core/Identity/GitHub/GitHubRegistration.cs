using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Identity.GitHub;

public static class GitHubRegistration
{
    /// <summary>
    /// Registers GitHub sign-in's Core side: the validated <see cref="GitHubOptions"/>, the settings provider and the
    /// sign-in, link, invitation and settings services. The repositories come from the infrastructure.
    /// </summary>
    public static IServiceCollection AddGitHubSignInServices(this IServiceCollection services)
    {
        services.AddOptions<GitHubOptions>()
            .BindConfiguration(GitHubOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GitHubOptions>, GitHubOptionsValidator>();
        services.AddSingleton<GitHubSettingsProvider>();
        services.AddSingleton<GitHubSignInService>();
        services.AddSingleton<GitHubLinkService>();
        services.AddSingleton<InvitationService>();
        services.AddSingleton<GitHubSettingsAdministration>();
        return services;
    }
}
