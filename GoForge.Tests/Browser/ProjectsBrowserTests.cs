using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

[Collection(PostgresCollection.Name)]
public sealed class ProjectsBrowserTests(BrowserFixture browser, PostgresFixture postgres)
    : BrowserTest(browser, postgres, "projectsui"), IClassFixture<BrowserFixture>
{
    private const string Secret = "s3cr3t-in-the-browser";

    [Fact]
    public async Task A_member_creates_a_project_an_environment_and_an_application_then_pastes_variables_whose_secrets_stay_masked()
    {
        var member = await App.CreateUserAsync();
        var page = await SignInAsync(member.Login, "/projects");
        await page.Locator("[data-testid=projects-empty]").WaitForAsync();

        await page.ClickAsync("[data-testid=new-project]");
        await page.FillAsync("[data-testid=project-name]", "Web Shop");
        await page.ClickAsync("[data-testid=create-project]");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Web Shop" }).WaitForAsync();
        await page.Locator("[data-interactive=true]").WaitForAsync();

        await page.ClickAsync("[data-testid=new-environment]");
        await page.FillAsync("[data-testid=environment-name]", "Staging");
        await page.ClickAsync("[data-testid=save-environment]");
        await page.Locator("[data-testid=applications-empty]").GetByText("No applications in Staging yet").WaitForAsync();

        await page.ClickAsync("[data-testid=new-application]");
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await page.FillAsync("[data-testid=app-name]", "api");
        await page.FillAsync("[data-testid=app-git-url]", "ext::sh -c id");
        await page.FillAsync("[data-testid=app-port]", "0");
        await page.ClickAsync("[data-testid=save-application]");
        await page.GetByText("remote helpers like ext:: are refused").WaitForAsync();
        await page.GetByText("A port is a number from 1 to 65535.").WaitForAsync();
        var projects = await App.Get<ProjectService>().ListAsync(Actor.From(member));
        Assert.Equal(0, Assert.Single(projects).ApplicationCount);

        await page.FillAsync("[data-testid=app-git-url]", "https://git.example.com/acme/shop.git");
        await page.FillAsync("[data-testid=app-port]", "8080");
        await page.ClickAsync("[data-testid=save-application]");
        await page.Locator("[data-testid=application-tabs]").WaitForAsync();
        var project = Assert.Single(await App.Get<ProjectService>().ListAsync(Actor.From(member)));
        var environments = (await App.Get<EnvironmentService>().ListAsync(Actor.From(member), project.Project.Id)).Value!;
        Assert.Equal(["production", "Staging"], environments.Select(e => e.Name));
        var apps = (await App.Get<ApplicationService>().ListAsync(Actor.From(member), environments[1].Id)).Value!;
        Assert.Equal(("api", "https://git.example.com/acme/shop.git", 8080), (Assert.Single(apps).Name, apps[0].GitUrl, apps[0].ContainerPort));

        await page.GetByRole(AriaRole.Tab, new() { Name = "Environment" }).ClickAsync();
        await page.ClickAsync("[data-testid=bulk-paste]");
        await page.FillAsync("[data-testid=paste-text]", $"LOG_LEVEL=info\nAPI_TOKEN={Secret}");
        await page.CheckAsync("[data-testid=paste-as-secrets]");
        await page.ClickAsync("[data-testid=preview-paste]");
        await page.Locator("[data-testid=apply-paste]:not([disabled])").WaitForAsync();
        await page.ClickAsync("[data-testid=apply-paste]");

        await page.Locator("[data-testid=variables-table]").GetByText("API_TOKEN", new() { Exact = true }).WaitForAsync();
        Assert.DoesNotContain(Secret, await page.ContentAsync(), StringComparison.Ordinal);
        await page.Locator("tr", new() { Has = page.GetByText("API_TOKEN", new() { Exact = true }) }).Locator("[data-testid=reveal-variable]").ClickAsync();
        await page.GetByText(Secret, new() { Exact = true }).WaitForAsync();
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "variables.png"), FullPage = true });
        await page.GotoAsync($"/projects/{project.Project.Id}?env={environments[1].Id}");
        await page.Locator("[data-testid=application-card]").WaitForAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "project.png"), FullPage = true });
    }

    [Fact]
    public async Task A_guessed_project_address_says_no_such_project()
    {
        var member = await App.CreateUserAsync();
        var page = await SignInAsync(member.Login, $"/projects/{Guid.NewGuid()}");

        await page.GetByRole(AriaRole.Heading, new() { Name = "No such project" }).WaitForAsync();
    }
}
