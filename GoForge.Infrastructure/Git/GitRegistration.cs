using GoForge.Core.Deployments;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Infrastructure.Git;

public static class GitRegistration
{
    /// <summary>
    /// Registers <see cref="IGitClient"/> (libgit2, stateless, so one instance) and <see cref="IDeployKeyGenerator"/>
    /// (ed25519 deploy keys).
    /// </summary>
    public static IServiceCollection AddGitClient(this IServiceCollection services)
    {
        services.AddSingleton<IGitClient, LibGit2GitClient>();
        services.AddSingleton<IDeployKeyGenerator, Ed25519DeployKeyGenerator>();
        return services;
    }
}
