using GoForge.Core.Containers;

namespace GoForge.Tests.Containers;

public sealed class ReservedImageLabelsTests
{
    private static readonly Dictionary<string, string> NoLabels = [];

    [Theory]
    [InlineData("traefik.http.routers.pwn.rule")]
    [InlineData("traefik.enable")]
    [InlineData("Traefik.HTTP.routers.x.rule")]
    [InlineData("traefik")]
    [InlineData("caddy")]
    [InlineData("caddy.reverse_proxy")]
    [InlineData("caddy_0")]
    [InlineData("caddy_12.reverse_proxy")]
    [InlineData("goforge.managed")]
    [InlineData("goforge.service")]
    [InlineData("GoForge.App")]
    public void A_label_in_GoForges_or_a_proxys_namespace_is_refused(string key)
    {
        var refused = ReservedImageLabels.FindRefused(new Dictionary<string, string> { [key] = "x", ["org.opencontainers.image.title"] = "t" }, NoLabels);

        Assert.Equal(key, refused);
    }

    [Theory]
    [InlineData("org.opencontainers.image.title")]
    [InlineData("maintainer")]
    [InlineData("caddyfile")]
    [InlineData("caddy_")]
    [InlineData("caddy_x")]
    [InlineData("traefikish")]
    [InlineData("goforge-test")]
    [InlineData("com.example.goforge.app")]
    public void A_label_outside_those_namespaces_passes(string key)
    {
        Assert.Null(ReservedImageLabels.FindRefused(new Dictionary<string, string> { [key] = "x" }, NoLabels));
    }

    [Fact]
    public void GoForges_build_labels_pass_only_for_a_container_of_the_same_application()
    {
        var image = new Dictionary<string, string>
        {
            [GoForgeLabels.App] = "app-1",
            [GoForgeLabels.Deployment] = "d-1",
            [GoForgeLabels.Commit] = "abc",
        };

        Assert.Null(ReservedImageLabels.FindRefused(image, new Dictionary<string, string> { [GoForgeLabels.App] = "app-1" }));
        Assert.Equal(GoForgeLabels.App, ReservedImageLabels.FindRefused(image, new Dictionary<string, string> { [GoForgeLabels.App] = "app-2" }));
        Assert.Equal(GoForgeLabels.App, ReservedImageLabels.FindRefused(image, NoLabels));
    }

    [Fact]
    public void Other_goforge_labels_are_refused_even_on_the_applications_own_image()
    {
        var image = new Dictionary<string, string> { [GoForgeLabels.App] = "app-1", ["goforge.service"] = "s-1" };

        Assert.Equal("goforge.service", ReservedImageLabels.FindRefused(image, new Dictionary<string, string> { [GoForgeLabels.App] = "app-1" }));
    }

    [Fact]
    public void The_message_names_the_label_and_not_its_value()
    {
        var message = ReservedImageLabels.Message("traefik.http.routers.pwn.rule");

        Assert.Contains("'traefik.http.routers.pwn.rule'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("victim", message, StringComparison.Ordinal);
    }
}
