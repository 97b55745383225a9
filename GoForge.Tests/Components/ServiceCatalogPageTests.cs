using Bunit;
using GoForge.Core.Catalog;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The catalog page of an environment: a card per template with its icon, search, categories, roles, and the create dialog it opens.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceCatalogPageTests(PostgresFixture postgres, DockerFixture docker) : ServiceUiTest(postgres, docker), IClassFixture<DockerFixture>
{
    [Fact]
    public async Task Every_template_has_a_card_with_its_icon_and_description()
    {
        SignInOwner();
        var templates = await HostServices.GetRequiredService<CatalogService>().ListAsync();

        var page = RenderPage();

        var cards = page.WaitForElements("[data-testid=template-card]", templates.Count, WaitTimeout);
        Assert.Equal(templates.Select(t => t.Id), cards.Select(c => c.GetAttribute("data-template")));
        var postgresql = templates.Single(t => t.Id == "postgresql");
        var card = cards.Single(c => c.GetAttribute("data-template") == "postgresql");
        Assert.Equal(postgresql.Icon, card.QuerySelector("[data-testid=template-icon] path")?.GetAttribute("d"));
        Assert.Contains(postgresql.Description, card.TextContent, StringComparison.Ordinal);
        Assert.Contains("17, 16, 15", card.TextContent, StringComparison.Ordinal);
        Assert.All(cards, c => Assert.Null(c.QuerySelector("[data-testid=pick-template]")!.GetAttribute("disabled")));
        Assert.Contains(templates, t => t.Id == "test-kv" && t.Origin == TemplateOrigin.Folder);
    }

    [Fact]
    public void Search_keeps_the_templates_matching_every_word_and_says_when_none_does()
    {
        SignInOwner();
        var page = RenderPage();
        page.WaitForElements("[data-testid=template-card]", 14, WaitTimeout);

        page.Fill("catalog-search", "key value");
        page.WaitForAssertion(() => Assert.Equal(["redis", "valkey"], Shown(page).Order()), WaitTimeout);

        page.Fill("catalog-search", "nothing-like-this");
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=catalog-empty]")), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=template-card]"));
    }

    [Fact]
    public void A_category_shows_only_its_templates()
    {
        SignInOwner();
        var page = RenderPage();
        page.WaitForElements("[data-testid=template-card]", 14, WaitTimeout);

        page.Find("[data-testid=category-database]").Click();

        page.WaitForAssertion(() => Assert.Equal(["mariadb", "mongodb", "mysql", "postgresql"], Shown(page).Order()), WaitTimeout);
    }

    [Fact]
    public async Task A_viewer_browses_but_cannot_add()
    {
        await SignInAsync(ProjectRole.Viewer);
        var page = RenderPage();
        var cards = page.WaitForElements("[data-testid=template-card]", 14, WaitTimeout);
        Assert.All(cards, c => Assert.NotNull(c.QuerySelector("[data-testid=pick-template]")!.GetAttribute("disabled")));
        Assert.Contains("Only maintainers of this project add services.", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outsider_gets_not_found()
    {
        await SignInAsync(null);
        var outsider = RenderPage();
        outsider.WaitForElement("[data-testid=not-found]", WaitTimeout);
        Assert.Empty(outsider.FindAll("[data-testid=template-card]"));
    }

    [Fact]
    public void Picking_a_template_opens_its_create_dialog_with_the_next_free_name()
    {
        SignInOwner();
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage();
        var card = page.WaitForElement("[data-template=redis]", WaitTimeout);

        card.QuerySelector("[data-testid=pick-template]")!.Click();

        dialogs.WaitForElement("[data-testid=create-service-dialog]", WaitTimeout);
        dialogs.WaitForAssertion(() => Assert.Equal("redis", dialogs.Find("[data-testid=service-name]").GetAttribute("value")), WaitTimeout);
        Assert.Contains("Add Redis", dialogs.Markup, StringComparison.Ordinal);
    }

    private IRenderedComponent<ServiceCatalogPage> RenderPage()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<ServiceCatalogPage>(p => p.Add(c => c.EnvironmentId, Production.Id));
    }

    private static IEnumerable<string> Shown(IRenderedComponent<ServiceCatalogPage> page) =>
        page.FindAll("[data-testid=template-card]").Select(c => c.GetAttribute("data-template")!);
}
