using GoForge.Core.Servers;
using GoForge.Infrastructure.Docker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Support;

/// <summary>
/// Registers the real Swarm adapter at an endpoint where no engine listens, for component tests of pages that
/// render the Swarm card without a cluster: the card says the engine cannot be asked and offers nothing.
/// </summary>
public static class UnreachableSwarm
{
    public static IServiceCollection AddUnreachableSwarm(this IServiceCollection services)
    {
        services.AddSingleton<ISwarmEngine>(new DockerSwarmEngine(new DockerClientProvider(
            Options.Create(new DockerOptions { Endpoint = new Uri("unix:///nonexistent/goforge-test/docker.sock") }))));
        services.AddSingleton<SwarmService>();
        return services;
    }
}
