using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

public sealed class ApplicationFormTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly Actor _ada;

    public ApplicationFormTests()
    {
        _store = Services.AddInMemoryProjects();
        _ada = this.SignIn(_store.AddUser("ada"));
    }

    [Fact]
    public async Task A_command_running_git_url_and_port_zero_show_errors_under_their_fields_and_nothing_is_saved()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var navigation = Services.GetRequiredService<NavigationManager>();
        var before = navigation.Uri;
        var page = Render<NewApplicationPage>(p => p.Add(c => c.EnvironmentId, production.Id));

        page.WaitForElement("[data-testid=app-name]", WaitTimeout);
        page.Fill("app-name", "api");
        page.Fill("app-git-url", "ext::sh -c id");
        page.Fill("app-port", "0");
        page.WaitForElement("[data-testid=save-application]", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.True(page.ShowsError("app-git-url")), WaitTimeout);
        Assert.Contains("ext:: are refused", page.MessageUnder("app-git-url"), StringComparison.Ordinal);
        Assert.True(page.ShowsError("app-port"));
        Assert.Equal("A port is a number from 1 to 65535.", page.MessageUnder("app-port"));
        Assert.False(page.ShowsError("app-name"));
        Assert.False(page.ShowsError("app-branch"));
        Assert.Empty(_store.Applications);
        Assert.Equal(before, navigation.Uri);
    }

    [Fact]
    public async Task Valid_settings_create_the_application_and_open_its_page()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var page = Render<NewApplicationPage>(p => p.Add(c => c.EnvironmentId, production.Id));

        page.WaitForElement("[data-testid=app-name]", WaitTimeout);
        page.Fill("app-name", "Storefront API");
        page.Fill("app-git-url", "git@github.com:acme/shop.git");
        page.Fill("app-branch", "release/1.0");
        page.Fill("app-port", "3000");
        page.Fill("app-domains", "shop.example.com\nshop.example.com/api");
        page.WaitForElement("[data-testid=save-application]", WaitTimeout).Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.Single(_store.Applications), WaitTimeout);
        var app = _store.Applications[0];
        Assert.Equal(("storefront-api", "release/1.0", 3000, 2), (app.Slug, app.Branch, app.ContainerPort, app.Domains.Count));
        page.WaitForAssertion(() => Assert.EndsWith($"/applications/{app.Id}", navigation.Uri, StringComparison.Ordinal), WaitTimeout);
    }

    [Fact]
    public async Task An_image_source_asks_for_an_image_instead_of_git_fields_and_refuses_a_hostile_reference_under_its_field()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Images");
        var page = Render<NewApplicationPage>(p => p.Add(c => c.EnvironmentId, production.Id));

        page.WaitForElement("[data-testid=app-source-image]", WaitTimeout);
        var radio = page.Find("[data-testid=app-source-image]");
        var input = radio.TagName == "INPUT" ? radio : radio.QuerySelector("input") ?? radio.Closest(".mud-radio")?.QuerySelector("input")
            ?? throw new InvalidOperationException("no radio input:\n" + page.Find("[data-testid=app-source]").OuterHtml);
        input.Click();
        page.WaitForElement("[data-testid=app-image]", WaitTimeout);
        page.Fill("app-name", "registry web");
        page.Fill("app-image", "nginx;id");
        page.WaitForElement("[data-testid=save-application]", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.True(page.ShowsError("app-image")), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=app-git-url]"));
        Assert.Empty(_store.Applications);
        page.Fill("app-image", "registry.example.com/team/web:1.2");
        page.Find("[data-testid=save-application]").Click();
        page.WaitForAssertion(() => Assert.Single(_store.Applications), WaitTimeout);
        Assert.Equal((ApplicationSourceKind.Image, "registry.example.com/team/web:1.2", ""),
            (_store.Applications[0].Source, _store.Applications[0].ImageReference, _store.Applications[0].GitUrl));
    }

    [Fact]
    public void The_form_shows_the_derived_slug_as_the_name_is_typed_and_hands_the_input_to_its_parent()
    {
        ApplicationInput? submitted = null;
        var form = Render<ApplicationForm>(p => p
            .Add(c => c.Value, new ApplicationInput())
            .Add(c => c.OnSubmit, (ApplicationInput input) => submitted = input));

        form.Fill("app-name", "Café Backend");
        form.WaitForAssertion(() => Assert.Equal("Slug: cafe-backend", form.MessageUnder("app-name")), WaitTimeout);

        form.Fill("app-git-url", "https://git.example.com/acme/cafe.git");
        form.WaitForElement("[data-testid=save-application]", WaitTimeout).Click();

        Assert.NotNull(submitted);
        Assert.Equal(("Café Backend", "https://git.example.com/acme/cafe.git", "main", 8080), (submitted.Name, submitted.GitUrl, submitted.Branch, submitted.ContainerPort));
    }

    [Fact]
    public async Task Viewers_cannot_open_the_new_application_page()
    {
        var bob = Actor.From(_store.AddUser("bob"));
        var (shop, production) = await Services.CreateProjectAsync(bob, "Shop");
        await Services.AddMemberAsync(bob, shop.Id, "ada", ProjectRole.Viewer);

        var page = Render<NewApplicationPage>(p => p.Add(c => c.EnvironmentId, production.Id));

        page.WaitForAssertion(() => Assert.Contains("Only maintainers", page.WaitForElement("[data-testid=page-error]", WaitTimeout).TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=application-form]"));
    }
}
