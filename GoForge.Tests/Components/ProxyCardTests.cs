using Bunit;
using GoForge.Core.Deployments;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Web.Components.Pages.Settings;
using GoForge.Web.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Components;

public sealed class ProxyCardTests : GoForgeTestContext
{
    [Fact]
    public void Traefik_card_shows_the_proxy_entrypoints_resolver_network_and_acme_email()
    {
        AddProxy(new ProxyPanelOptions { AcmeEmail = "ops@example.com" }, new TraefikOptions { DefaultCertResolver = "dnsle" }, "goforge-proxy");

        var card = Render<ProxyCard>();

        Assert.Equal("Traefik", card.WaitForElement("[data-testid=proxy-kind]", WaitTimeout).TextContent.Trim());
        Assert.Equal("dnsle", card.Find("[data-testid=proxy-resolver]").TextContent.Trim());
        Assert.Contains("web", card.Find("[data-testid=proxy-entrypoints]").TextContent, StringComparison.Ordinal);
        Assert.Contains("websecure", card.Find("[data-testid=proxy-entrypoints]").TextContent, StringComparison.Ordinal);
        Assert.Equal("goforge-proxy", card.Find("[data-testid=proxy-network]").TextContent.Trim());
        Assert.Equal("ops@example.com", card.Find("[data-testid=proxy-acme-email]").TextContent.Trim());
    }

    [Fact]
    public void Caddy_card_names_caddy_and_shows_no_traefik_settings()
    {
        AddProxy(new ProxyPanelOptions { Kind = "caddy" }, new TraefikOptions(), null);

        var card = Render<ProxyCard>();

        Assert.Equal("Caddy", card.WaitForElement("[data-testid=proxy-kind]", WaitTimeout).TextContent.Trim());
        Assert.Empty(card.FindAll("[data-testid=proxy-resolver]"));
        Assert.Contains("each environment's own network", card.Find("[data-testid=proxy-network]").TextContent, StringComparison.Ordinal);
        Assert.Contains("not set", card.Find("[data-testid=proxy-acme-email]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Nginx", null)]
    [InlineData("Traefik", "Ops <ops@example.com>")]
    [InlineData("Traefik", "not an address")]
    public void Wrong_proxy_settings_are_refused_naming_the_key(string kind, string? email)
    {
        var result = new ProxyPanelOptionsValidator().Validate(null, new ProxyPanelOptions { Kind = kind, AcmeEmail = email });

        Assert.True(result.Failed);
        Assert.Contains("GoForge:Proxy:", result.FailureMessage, StringComparison.Ordinal);
    }

    private void AddProxy(ProxyPanelOptions panel, TraefikOptions traefik, string? network)
    {
        Services.AddSingleton(Options.Create(panel));
        Services.AddSingleton(Options.Create(traefik));
        Services.AddSingleton(Options.Create(new DeploymentOptions { ProxyNetwork = network }));
        Services.AddSingleton<ProxyStatus>();
    }
}
