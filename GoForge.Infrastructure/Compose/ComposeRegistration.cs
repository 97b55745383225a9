using GoForge.Core.Compose;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Infrastructure.Compose;

public static class ComposeRegistration
{
    /// <summary>The compose reader: <see cref="IComposeLoader"/> over the strict YAML parser and the clone's confined files.</summary>
    public static IServiceCollection AddComposeReading(this IServiceCollection services)
    {
        services.AddSingleton<IComposeSyntax, ComposeSyntax>();
        services.AddSingleton<IRepositoryFiles, RepositoryTextFiles>();
        services.AddSingleton<IComposeLoader, ComposeLoader>();
        return services;
    }
}
