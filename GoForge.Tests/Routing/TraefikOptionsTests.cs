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
        services.AddProxyRoutes();
        return services.BuildServiceProvider().GetRequiredService<IOptions<TraefikOptions>>();
    }

    [Fact]
    public void Defaults_are_web_websecure_and_letsencrypt()
    {
        var options = Bind([]).Value;

        Assert.Equal(("web", "websecure", "letsencrypt", null), (options.WebEntryPoint, options.WebSecureEntryPoint, options.DefaultCertResolver, options.Network));
    }

    [Theory]
    [InlineData("WebEntryPoint", "web`")]
    [InlineData("WebSecureEntryPoint", "web")]
    [InlineData("DefaultCertResolver", "le,other")]
    [InlineData("DefaultCertResolver", "")]
    [InlineData("Network", "--net=host")]
    public void A_bad_setting_fails_naming_its_key(string key, string value)
    {
        var options = Bind(new() { [$"{TraefikOptions.SectionName}:{key}"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => options.Value);
        Assert.Contains($"{TraefikOptions.SectionName}:", error.Message, StringComparison.Ordinal);
    }
}
