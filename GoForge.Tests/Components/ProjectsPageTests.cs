using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ProjectsList = GoForge.Web.Components.Pages.Projects.Projects;

namespace GoForge.Tests.Components;

public sealed class ProjectsPageTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly User _ada;

    public ProjectsPageTests()
    {
        _store = Services.AddInMemoryProjects();
        _ada = _store.AddUser("ada");
        this.SignIn(_ada);
    }

    [Fact]
    public void Projects_page_shows_the_empty_state_then_the_created_project_as_a_card()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ProjectsList>();
        Assert.Contains("No projects yet", page.WaitForElement("[data-testid=projects-empty]", WaitTimeout).TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=project-card]"));

        page.WaitForElement("[data-testid=new-project]", WaitTimeout).Click();
        dialogs.Fill("project-name", "Web Shop");
        dialogs.WaitForAssertion(() => Assert.Equal("Slug: web-shop", dialogs.MessageUnder("project-name")), WaitTimeout);
        dialogs.Fill("project-description", "Storefront and its API");
        dialogs.WaitForElement("[data-testid=create-project]", WaitTimeout).Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        dialogs.WaitForAssertion(() => Assert.Matches("/projects/[0-9a-f-]{36}$", navigation.Uri), WaitTimeout);

        var card = Render<ProjectsList>().WaitForElement("[data-testid=project-card]", WaitTimeout);
        Assert.Contains("Web Shop", card.QuerySelector("[data-testid=project-link]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Storefront and its API", card.TextContent, StringComparison.Ordinal);
        Assert.Equal("1 environment", card.QuerySelector("[data-testid=environment-count]")!.TextContent.Trim());
        Assert.Equal("0 applications", card.QuerySelector("[data-testid=application-count]")!.TextContent.Trim());
        Assert.Equal("maintainer", card.QuerySelector("[data-testid=project-role]")!.TextContent.Trim());
        Assert.Equal("empty", card.QuerySelector("[data-testid=project-status]")!.TextContent.Trim());
    }

    [Fact]
    public void An_empty_name_is_refused_in_the_dialog_and_creates_nothing()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ProjectsList>();

        page.WaitForElement("[data-testid=new-project]", WaitTimeout).Click();
        dialogs.WaitForElement("[data-testid=create-project]", WaitTimeout).Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Enter a name.", dialogs.MessageUnder("project-name")), WaitTimeout);
        Assert.True(dialogs.ShowsError("project-name"));
        Assert.Empty(_store.Audit);
    }

    [Fact]
    public async Task Members_see_only_the_projects_they_belong_to_with_their_role_and_counts()
    {
        var bob = Actor.From(_store.AddUser("bob"));
        var (shop, production) = await Services.CreateProjectAsync(bob, "Shop");
        await Services.CreateApplicationAsync(bob, production.Id, "api");
        await Services.CreateProjectAsync(bob, "Secret plans");
        await Services.AddMemberAsync(bob, shop.Id, "ada", ProjectRole.Viewer);

        var page = Render<ProjectsList>();

        var card = Assert.Single(page.FindAll("[data-testid=project-card]"));
        Assert.Contains("Shop", card.TextContent, StringComparison.Ordinal);
        Assert.Equal("viewer", card.QuerySelector("[data-testid=project-role]")!.TextContent.Trim());
        Assert.Equal("1 application", card.QuerySelector("[data-testid=application-count]")!.TextContent.Trim());
        Assert.Equal("not deployed", card.QuerySelector("[data-testid=project-status]")!.TextContent.Trim());
        Assert.DoesNotContain("Secret plans", page.Markup, StringComparison.Ordinal);
    }
}
