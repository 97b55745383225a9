using System.Text.RegularExpressions;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Projects;

namespace GoForge.Core.Routing;

/// <summary>
/// Everything a proxy needs to route to one application: its domains, the container port and network, and its
/// routing settings. Only <see cref="Create"/> makes one, and only from values that pass
/// <see cref="RoutingInputRules"/> again, so an adapter never sees a value it would have to refuse.
/// </summary>
public sealed partial class RouteTarget
{
    private RouteTarget(Guid applicationId, string slug, IReadOnlyList<AppDomainRoute> domains, int containerPort, string network, RoutingSettings settings)
    {
        ApplicationId = applicationId;
        Slug = slug;
        Domains = domains;
        ContainerPort = containerPort;
        Network = network;
        Settings = settings;
    }

    /// <summary>The routed workload's id: an application's, or a catalog service's (<see cref="ForService"/>).</summary>
    public Guid ApplicationId { get; }

    public string Slug { get; }

    /// <summary>
    /// Unique across GoForge (application slugs are unique only within an environment): the slug for people, the
    /// application id for uniqueness. Proxies name routers, services and middlewares after it.
    /// </summary>
    public string Name => $"{Slug}-{ApplicationId:N}";

    public IReadOnlyList<AppDomainRoute> Domains { get; }

    public int ContainerPort { get; }

    /// <summary>The Docker network on which the proxy reaches the container.</summary>
    public string Network { get; }

    public RoutingSettings Settings { get; }

    public static Result<RouteTarget> Create(Application application, RoutingSettings settings, string network)
    {
        var errors = new FieldErrors();
        if (!SlugPattern().IsMatch(application.Slug))
        {
            errors.Add(nameof(Application.Slug), "The application's slug is not DNS-safe.");
        }

        if (settings.ApplicationId != application.Id)
        {
            errors.Add(nameof(RoutingSettings.ApplicationId), "These routing settings belong to another application.");
        }

        ProjectInputRules.ValidatePort(application.ContainerPort, errors);
        if (!DockerNetworkName.IsValid(network))
        {
            errors.Add(nameof(Network), "A network name has up to 128 ASCII letters, digits and _ . -, starting with a letter or digit.");
        }

        RoutingInputRules.ValidateRoutes(application.Domains, errors);
        if (settings.WwwRedirect != WwwRedirect.None && application.Domains.Any(d => d.Host.Length > 249 && !d.Host.StartsWith("www.", StringComparison.Ordinal)))
        {
            errors.Add(nameof(Application.Domains), "A host name is too long to get a 'www.' form.");
        }

        RoutingInputRules.Validate(settings, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        return new RouteTarget(application.Id, application.Slug, application.Domains, application.ContainerPort, network, settings);
    }

    /// <summary>
    /// A catalog service served over HTTP on its one <paramref name="domain"/>, with the default routing settings
    /// (HTTPS redirect, no extra middlewares). Checked with the same rules as an application's target.
    /// </summary>
    public static Result<RouteTarget> ForService(Guid serviceId, string slug, string domain, int port, string network)
    {
        var errors = new FieldErrors();
        if (!SlugPattern().IsMatch(slug ?? string.Empty))
        {
            errors.Add("Slug", "The service's slug is not DNS-safe.");
        }

        ProjectInputRules.ValidatePort(port, errors);
        if (!DockerNetworkName.IsValid(network))
        {
            errors.Add(nameof(Network), "A network name has up to 128 ASCII letters, digits and _ . -, starting with a letter or digit.");
        }

        var routes = new[] { new AppDomainRoute(domain ?? string.Empty, null) };
        RoutingInputRules.ValidateRoutes(routes, errors);
        return errors.IsEmpty
            ? new RouteTarget(serviceId, slug!, routes, port, network!, RoutingSettings.Defaults(serviceId))
            : errors.ToError();
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
