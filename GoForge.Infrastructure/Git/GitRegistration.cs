using GoForge.Core.Deployments;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Infrastructure.Git;

public static class GitRegistration
{
    /// <summary>Registers <see cref="IGitClient"/> (libgit2, stateless, so one instance).</summary>
    public static IServiceCollection AddGitClient(this IServiceCollection services)
    {
        services.AddSingleton<IGitClient, LibGit2GitClient>();
        return services;
    }
}
