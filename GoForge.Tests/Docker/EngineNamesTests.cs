using System.Text.RegularExpressions;
using GoForge.Core.Containers;
using GoForge.Core.Projects;

namespace GoForge.Tests.Docker;

/// <summary>
/// Engine names from ids, against hostile slugs: slugs that join alike under the old scheme, the longest slugs, and
/// every name within Docker's rules (and a container name within a DNS label).
/// </summary>
public sealed partial class EngineNamesTests
{
    private static readonly string LongSlug = new('x', ProjectInputRules.SlugMaxLength);

    public static TheoryData<string, string, string, string> CollidingSlugs => new()
    {
        { "beta-corp", "production", "beta", "corp-production" },
        { "acme-corp", "production", "acme", "corp-production" },
        { "a-b-c", "d", "a", "b-c-d" },
    };

    [Theory]
    [MemberData(nameof(CollidingSlugs))]
    public void Slugs_that_joined_alike_under_the_old_scheme_get_distinct_names(string projectA, string environmentA, string projectB, string environmentB)
    {
        Assert.Equal(EngineNames.Legacy.EnvironmentNetwork(projectA, environmentA), EngineNames.Legacy.EnvironmentNetwork(projectB, environmentB));
        var (envA, envB, serviceA, serviceB) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        Assert.NotEqual(EngineNames.EnvironmentNetwork(envA), EngineNames.EnvironmentNetwork(envB));
        Assert.NotEqual(EngineNames.ServiceVolume(serviceA, "data"), EngineNames.ServiceVolume(serviceB, "data"));
        Assert.NotEqual(EngineNames.ServiceContainer(serviceA, "db"), EngineNames.ServiceContainer(serviceB, "db"));
        Assert.NotEqual(EngineNames.AppContainer(serviceA, "web"), EngineNames.AppContainer(serviceB, "web"));
    }

    [Theory]
    [InlineData("web")]
    [InlineData("a")]
    [InlineData("with-many-hyphens-at-the-end-of-a-long-slug-------")]
    [InlineData("x")]
    public void Every_name_keeps_the_whole_id_and_dockers_rules_and_a_container_name_fits_a_dns_label(string slug)
    {
        var id = Guid.NewGuid();
        var names = new[]
        {
            EngineNames.EnvironmentNetwork(id),
            EngineNames.AppContainer(id, slug),
            EngineNames.AppContainer(id, LongSlug),
            EngineNames.ServiceContainer(id, slug),
            EngineNames.ServiceContainer(id, LongSlug),
            EngineNames.ServiceVolume(id, new string('v', 32)),
        };

        Assert.All(names, name =>
        {
            Assert.Matches(DockerName(), name);
            Assert.Contains(id.ToString("N"), name, StringComparison.Ordinal);
        });
        Assert.All(names[1..5], name => Assert.InRange(name.Length, 1, EngineNames.MaxContainerName));
    }

    [Fact]
    public void A_cut_slug_never_decides_uniqueness_two_services_with_the_same_long_slug_differ_by_id()
    {
        Assert.NotEqual(EngineNames.ServiceContainer(Guid.NewGuid(), LongSlug), EngineNames.ServiceContainer(Guid.NewGuid(), LongSlug));
        Assert.NotEqual(EngineNames.ServiceVolume(Guid.Empty, "data"), EngineNames.ServiceVolume(Guid.Empty, "data2"));
    }

    // Docker's rule for container and volume names, which networks follow here too.
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex DockerName();
}
