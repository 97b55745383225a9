using GoForge.Infrastructure.Crypto;
using GoForge.Infrastructure.Proxy;
using GoForge.Infrastructure.Proxy.Traefik;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Routing;

public sealed class TraefikOptionsTests
{
    private static IOptions<TraefikOptions> Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<SecretKeyOptions>().BindConfiguration(SecretKeyOptions.SectionName);
        services.AddProxyRoutes();
        return services.BuildServiceProvider().GetRequiredService<IOptions<TraefikOptions>>();
    }

    [Fact]
    public void Defaults_are_web_websecure_letsencrypt_a_three_second_reload_and_a_folder_beside_the_data()
    {
        var options = Bind(new() { ["GoForge:DataPath"] = "/srv/goforge" }).Value;

        Assert.Equal(("web", "websecure", "letsencrypt", TimeSpan.FromSeconds(3), "/srv/goforge/traefik", null),
            (options.WebEntryPoint, options.WebSecureEntryPoint, options.DefaultCertResolver, options.ReloadDelay, options.DynamicDirectory, options.PanelUpstream));
    }

    [Theory]
    [InlineData("WebEntryPoint", "web`")]
    [InlineData("WebSecureEntryPoint", "web")]
    [InlineData("DefaultCertResolver", "le,other")]
    [InlineData("DefaultCertResolver", "")]
    [InlineData("DynamicDirectory", "relative/dynamic")]
    [InlineData("ReloadDelay", "00:01:01")]
    [InlineData("ReloadDelay", "-00:00:01")]
    [InlineData("PanelUpstream", "goforge:8080")]
    [InlineData("PanelUpstream", "http://goforge:8080/panel")]
    [InlineData("PanelUpstream", "http://user:pw@goforge:8080")]
    public void A_bad_setting_fails_naming_its_key(string key, string value)
    {
        var options = Bind(new() { [$"{TraefikOptions.SectionName}:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => options.Value);
        Assert.Contains($"{TraefikOptions.SectionName}:{key}", error.Message, StringComparison.Ordinal);
    }
}
