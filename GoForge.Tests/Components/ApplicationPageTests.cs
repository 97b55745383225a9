using Bunit;
using GoForge.Core.Identity;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

public sealed class ApplicationPageTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly Actor _ada;

    public ApplicationPageTests()
    {
        _store = Services.AddInMemoryProjects();
        Services.AddFakeMonitoring(); // the Overview's runtime card and the Logs tab watch the (fake) engine
        _ada = this.SignIn(_store.AddUser("ada"));
    }

    [Fact]
    public void A_guessed_application_id_shows_no_such_application()
    {
        var page = Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, Guid.NewGuid()));

        page.WaitForAssertion(() => Assert.Contains("No such application", page.WaitForElement("[data-testid=not-found] h1", WaitTimeout).TextContent, StringComparison.Ordinal), WaitTimeout);
    }

    [Fact]
    public async Task Application_page_shows_breadcrumbs_the_eight_tabs_and_the_overview()
    {
        var (shop, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");

        var page = Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, app.Id));

        page.WaitForElement("[data-testid=application-tabs]", WaitTimeout);
        var crumbs = page.FindAll("[data-testid=breadcrumbs] li.mud-breadcrumb-item").Select(li => li.TextContent.Trim()).ToArray();
        Assert.Equal(["Projects", "Shop", "production", "api"], crumbs);
        Assert.Equal($"/projects/{shop.Id}?env={production.Id}", page.FindAll("[data-testid=breadcrumbs] a")[2].GetAttribute("href"));
        Assert.Equal(["Overview", "Deployments", "Environment", "Routing", "Webhooks", "Settings", "Logs", "Volumes", "Previews"], page.FindAll(".mud-tab").Select(t => t.TextContent.Trim()).ToArray());
        Assert.Contains("https://git.example.com/acme/shop.git", page.WaitForElement("[data-testid=overview-source]", WaitTimeout).TextContent, StringComparison.Ordinal);
        Assert.Equal("https://api.example.com", page.WaitForElement("[data-testid=overview-domains] a", WaitTimeout).GetAttribute("href"));
    }

    [Fact]
    public async Task Deployments_tab_without_deployments_says_how_to_deploy()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var page = Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, app.Id));

        page.WaitForElement("[data-testid=application-tabs]", WaitTimeout);
        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Deployments").Click();

        page.WaitForAssertion(() => Assert.Contains("Press Deploy to build the branch head", page.Find("[data-testid=deployments-empty]").TextContent, StringComparison.Ordinal), WaitTimeout);
    }

    [Fact]
    public async Task Settings_tab_saves_changes_and_keeps_the_slug()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var page = RenderSettingsTab(app.Id);

        page.WaitForElement("[data-testid=app-name]", WaitTimeout);
        Assert.StartsWith("Slug: api (kept", page.MessageUnder("app-name"), StringComparison.Ordinal);
        page.Fill("app-name", "Public API");
        page.Fill("app-branch", "-oops");
        page.WaitForElement("[data-testid=save-application]", WaitTimeout).Click();
        page.WaitForAssertion(() => Assert.True(page.ShowsError("app-branch")), WaitTimeout);

        page.Fill("app-branch", "develop");
        page.WaitForElement("[data-testid=save-application]", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.Equal("Public API", page.WaitForElement("h1", WaitTimeout).TextContent.Trim()), WaitTimeout);
        var saved = Assert.Single(_store.Applications);
        Assert.Equal(("Public API", "api", "develop"), (saved.Name, saved.Slug, saved.Branch));
    }

    [Fact]
    public async Task Deleting_an_application_waits_for_its_name_then_returns_to_its_environment()
    {
        var (shop, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var dialogs = Render<MudDialogProvider>();
        var page = RenderSettingsTab(app.Id);

        page.WaitForElement("[data-testid=delete-application]", WaitTimeout).Click();
        dialogs.WaitForElement("[data-testid=confirm-delete-name]", WaitTimeout);
        Assert.True(dialogs.WaitForElement("[data-testid=confirm-delete]", WaitTimeout).HasAttribute("disabled"));
        dialogs.Fill("confirm-delete-name", "api");
        dialogs.WaitForElement("[data-testid=confirm-delete]:not([disabled])", WaitTimeout).Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith($"/projects/{shop.Id}?env={production.Id}", navigation.Uri, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(_store.Applications);
    }

    private IRenderedComponent<ApplicationPage> RenderSettingsTab(Guid applicationId)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/applications/{applicationId}?tab=settings");
        return Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, applicationId));
    }
}
