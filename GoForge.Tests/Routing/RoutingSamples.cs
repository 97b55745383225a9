using GoForge.Core.Projects;
using GoForge.Core.Routing;

namespace GoForge.Tests.Routing;

/// <summary>Fixed applications and settings, so generated labels are the same on every run.</summary>
internal static class RoutingSamples
{
    public static readonly Guid AppId = Guid.Parse("0193a5b0-1c2d-7e3f-8a4b-5c6d7e8f9a0b");

    /// <summary>A well-formed bcrypt hash (fixed, so golden files stay the same).</summary>
    public const string Hash = "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a";

    public static Application App(params AppDomainRoute[] domains) => new()
    {
        Id = AppId,
        ProjectId = Guid.Empty,
        EnvironmentId = Guid.Empty,
        Name = "Shop",
        Slug = "shop",
        GitUrl = "https://example.com/shop.git",
        Branch = "main",
        BuildContext = ".",
        DockerfilePath = "Dockerfile",
        ContainerPort = 8080,
        Domains = domains.Length == 0 ? [new AppDomainRoute("shop.example.com", null)] : domains,
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    public static RoutingSettings Settings => RoutingSettings.Defaults(AppId);

    public static RouteTarget Target(RoutingSettings settings, params AppDomainRoute[] domains) => Target(App(domains), settings);

    public static RouteTarget Target(Application app, RoutingSettings settings)
    {
        var created = RouteTarget.Create(app, settings, "goforge-acme-production");
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value;
    }
}
