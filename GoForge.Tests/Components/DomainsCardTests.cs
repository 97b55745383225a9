using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Settings;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The settings page's domains card over the real Core services and a migrated database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DomainsCardTests(PostgresFixture postgres) : GoForgeTestContext
{
    private TestHost _host = null!;

    protected override async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "domaincard", new Dictionary<string, string?> { ["GoForge:Proxy:PanelHosts:0"] = "panel.example.com" });
        Services.AddSingleton(_host.Get<DomainRules>());
        Services.AddScoped<CurrentUser>();
        var owner = Actor.From(await TestUsers.CreateAsync(_host));
        var (_, production) = await _host.Services.CreateProjectAsync(owner, "Acme Shop");
        var created = await _host.Get<ApplicationService>().CreateAsync(owner, production.Id, new ApplicationInput
        {
            Name = "storefront",
            GitUrl = "https://example.com/s.git",
            Domains = "shop.example.com\nshop.example.com/api",
        });
        Assert.True(created.IsSuccess, created.Error?.Message);
    }

    protected override ValueTask DisposeResourcesAsync() => _host.DisposeAsync();

    /// <summary>Signs <paramref name="user"/> in (before anything is rendered, as bunit needs) and renders the card.</summary>
    private IRenderedComponent<DomainsCard> RenderAs(User user)
    {
        this.SignIn(user);
        Render<MudSnackbarProvider>();
        return Render<DomainsCard>();
    }

    [Fact]
    public async Task An_administrator_sees_each_domain_with_its_project_and_holder_and_the_panels_hosts()
    {
        var card = RenderAs(await TestUsers.CreateAsync(_host, UserRole.Admin));

        card.WaitForAssertion(() => Assert.Equal(2, card.FindAll("[data-testid=domain-row]").Count), WaitTimeout);
        Assert.All(card.FindAll("[data-testid=domain-project]"), p => Assert.Equal("Acme Shop", p.TextContent.Trim()));
        Assert.Contains("shop.example.com/api", card.Markup, StringComparison.Ordinal);
        Assert.Contains("storefront", card.Markup, StringComparison.Ordinal);
        Assert.Contains("panel.example.com", card.Find("[data-testid=domains-panel-hosts]").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=domain-conflict]"));
    }

    [Fact]
    public async Task A_member_who_reaches_the_card_sees_no_domain_and_no_project()
    {
        var card = RenderAs(await TestUsers.CreateAsync(_host));

        card.WaitForElement("[data-testid=domains-empty]", WaitTimeout);
        Assert.DoesNotContain("Acme Shop", card.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("shop.example.com", card.Markup, StringComparison.Ordinal);
    }
}
