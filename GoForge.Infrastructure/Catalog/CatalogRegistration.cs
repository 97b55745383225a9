using GoForge.Core.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Catalog;

public static class CatalogRegistration
{
    /// <summary>The template source behind Core's <c>CatalogService</c>: shipped templates and the optional admin folder, validated on start.</summary>
    public static IServiceCollection AddServiceCatalog(this IServiceCollection services)
    {
        services.AddOptions<CatalogOptions>()
            .BindConfiguration(CatalogOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CatalogOptions>, CatalogOptionsValidator>();
        services.AddSingleton<IServiceTemplateSource, ServiceTemplateLoader>();
        return services;
    }
}
