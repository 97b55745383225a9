using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Projects;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

public sealed class ProjectPageTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly Actor _ada;

    public ProjectPageTests()
    {
        _store = Services.AddInMemoryProjects();
        _ada = this.SignIn(_store.AddUser("ada"));
    }

    [Fact]
    public void A_guessed_project_id_shows_no_such_project()
    {
        var page = Render<ProjectPage>(p => p.Add(c => c.ProjectId, Guid.NewGuid()));

        page.WaitForAssertion(() => Assert.Contains("No such project", page.WaitForElement("[data-testid=not-found] h1", WaitTimeout).TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Equal("/projects", page.WaitForElement("[data-testid=not-found] a", WaitTimeout).GetAttribute("href"));
    }

    [Fact]
    public async Task A_project_of_which_the_user_is_not_a_member_answers_like_a_missing_one()
    {
        var (others, _) = await Services.CreateProjectAsync(Actor.From(_store.AddUser("bob")), "Bob's");

        var page = Render<ProjectPage>(p => p.Add(c => c.ProjectId, others.Id));

        page.WaitForAssertion(() => Assert.Contains("No such project", page.WaitForElement("[data-testid=not-found]", WaitTimeout).TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.DoesNotContain("Bob's", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Project_page_shows_breadcrumbs_environment_tabs_and_the_next_step_in_an_empty_environment()
    {
        var (shop, production) = await Services.CreateProjectAsync(_ada, "Shop");

        var page = Render<ProjectPage>(p => p.Add(c => c.ProjectId, shop.Id));

        page.WaitForElement("[data-testid=environment-tabs]", WaitTimeout);
        Assert.Equal("/projects", page.WaitForElement("[data-testid=breadcrumbs] a", WaitTimeout).GetAttribute("href"));
        Assert.Contains("Shop", page.WaitForElement("h1", WaitTimeout).TextContent, StringComparison.Ordinal);
        Assert.Contains("No applications in production yet", page.WaitForElement("[data-testid=applications-empty]", WaitTimeout).TextContent, StringComparison.Ordinal);
        Assert.Equal($"/environments/{production.Id}/applications/new", page.WaitForElement("[data-testid=new-application]", WaitTimeout).GetAttribute("href"));
        Assert.NotNull(page.WaitForElement("[data-testid=new-environment]", WaitTimeout));
    }

    [Fact]
    public async Task Applications_of_the_selected_environment_are_listed_with_links()
    {
        var (shop, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var api = await Services.CreateApplicationAsync(_ada, production.Id, "api");

        var page = Render<ProjectPage>(p => p.Add(c => c.ProjectId, shop.Id));

        var link = page.WaitForElement("[data-testid=application-link]", WaitTimeout);
        Assert.Equal($"/applications/{api.Id}", link.GetAttribute("href"));
        Assert.Contains("api.example.com", page.WaitForElement("[data-testid=application-card]", WaitTimeout).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_env_query_opens_that_environments_tab()
    {
        var (shop, _) = await Services.CreateProjectAsync(_ada, "Shop");
        var staging = await Services.GetRequiredService<EnvironmentService>().CreateAsync(_ada, shop.Id, "staging");
        await Services.CreateApplicationAsync(_ada, staging.Value!.Id, "worker");
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/projects/{shop.Id}?env={staging.Value.Id}");

        var page = Render<ProjectPage>(p => p.Add(c => c.ProjectId, shop.Id));

        page.WaitForElement("[data-testid=application-card]", WaitTimeout);
        Assert.Equal("staging", page.WaitForElement(".mud-tab-active", WaitTimeout).TextContent.Trim());
        Assert.Contains("worker", page.WaitForElement("[data-testid=application-card]", WaitTimeout).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Viewers_get_no_buttons_that_change_the_project()
    {
        var bob = Actor.From(_store.AddUser("bob"));
        var (shop, _) = await Services.CreateProjectAsync(bob, "Shop");
        await Services.AddMemberAsync(bob, shop.Id, "ada", ProjectRole.Viewer);

        var page = Render<ProjectPage>(p => p.Add(c => c.ProjectId, shop.Id));

        page.WaitForElement("[data-testid=environment-tabs]", WaitTimeout);
        Assert.Equal("viewer", page.WaitForElement("[data-testid=project-role]", WaitTimeout).TextContent.Trim());
        Assert.NotNull(page.WaitForElement("[data-testid=members]", WaitTimeout));
        Assert.Empty(page.FindAll("[data-testid=new-application], [data-testid=new-environment], [data-testid=project-settings], [data-testid=environment-menu]"));
        Assert.Contains("A maintainer of this project can add one.", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_environment_gets_its_own_tab_which_opens()
    {
        var (shop, _) = await Services.CreateProjectAsync(_ada, "Shop");
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ProjectPage>(p => p.Add(c => c.ProjectId, shop.Id));

        page.WaitForElement("[data-testid=new-environment]", WaitTimeout).Click();
        dialogs.Fill("environment-name", "Staging Two");
        dialogs.WaitForAssertion(() => Assert.Equal("Slug: staging-two", dialogs.MessageUnder("environment-name")), WaitTimeout);
        dialogs.WaitForElement("[data-testid=save-environment]", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.Contains("Applications in Staging Two", page.WaitForElement("h2", WaitTimeout).TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Contains("Staging Two", page.WaitForElement(".mud-tab-active", WaitTimeout).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_project_waits_for_its_name_to_be_typed()
    {
        var (shop, production) = await Services.CreateProjectAsync(_ada, "Shop");
        await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ProjectPage>(p => p.Add(c => c.ProjectId, shop.Id));

        page.WaitForElement("[data-testid=project-settings]", WaitTimeout).Click();
        dialogs.WaitForElement("[data-testid=delete-project]", WaitTimeout).Click();
        dialogs.Fill("confirm-delete-name", "shop");
        Assert.True(dialogs.WaitForElement("[data-testid=confirm-delete]", WaitTimeout).HasAttribute("disabled"));
        dialogs.Fill("confirm-delete-name", "Shop");
        dialogs.WaitForElement("[data-testid=confirm-delete]:not([disabled])", WaitTimeout).Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/projects", navigation.Uri, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(_store.Applications);
        Assert.Empty(await Services.GetRequiredService<ProjectService>().ListAsync(_ada));
    }

    [Fact]
    public async Task Members_dialog_adds_a_user_by_login_and_explains_an_unknown_login()
    {
        _store.AddUser("grace");
        var (shop, _) = await Services.CreateProjectAsync(_ada, "Shop");
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ProjectPage>(p => p.Add(c => c.ProjectId, shop.Id));

        page.WaitForElement("[data-testid=members]", WaitTimeout).Click();
        dialogs.Fill("member-login", "nobody");
        dialogs.WaitForElement("[data-testid=add-member]", WaitTimeout).Click();
        dialogs.WaitForAssertion(() => Assert.Equal("No active user has this login.", dialogs.MessageUnder("member-login")), WaitTimeout);

        dialogs.Fill("member-login", "grace");
        dialogs.WaitForElement("[data-testid=add-member]", WaitTimeout).Click();

        dialogs.WaitForAssertion(() => Assert.Contains("grace", dialogs.WaitForElement("[data-testid=members-table]", WaitTimeout).TextContent, StringComparison.Ordinal), WaitTimeout);
        var members = await Services.GetRequiredService<MembershipService>().ListAsync(_ada, shop.Id);
        Assert.Equal(ProjectRole.Deployer, Assert.Single(members.Value!, m => m.Login == "grace").Role);
    }
}
