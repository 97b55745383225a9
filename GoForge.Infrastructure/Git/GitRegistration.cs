using GoForge.Core.Deployments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Git;

public static class GitRegistration
{
    /// <summary>
    /// Registers <see cref="IGitClient"/> (libgit2, stateless, so one instance) and <see cref="IDeployKeyGenerator"/>
    /// (ed25519 deploy keys). <see cref="GitClientOptions"/> come from <paramref name="configure"/>; the panel binds them
    /// to <c>GoForge:Git</c> as well.
    /// </summary>
    public static IServiceCollection AddGitClient(this IServiceCollection services, Action<GitClientOptions>? configure = null)
    {
        var options = services.AddOptions<GitClientOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitClientOptions>, GitClientOptionsValidator>());
        services.AddSingleton<IGitClient, LibGit2GitClient>();
        services.AddSingleton<IDeployKeyGenerator, Ed25519DeployKeyGenerator>();
        return services;
    }
}
