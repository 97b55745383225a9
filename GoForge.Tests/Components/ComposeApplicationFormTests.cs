using AngleSharp.Dom;
using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

/// <summary>
/// The compose kind in the application form and the variable editor: a compose file's path and one row per routed
/// service instead of the Dockerfile fields, the kind kept on an existing application, and variables limited to services.
/// </summary>
public sealed class ComposeApplicationFormTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly Actor _ada;

    public ComposeApplicationFormTests()
    {
        _store = Services.AddInMemoryProjects();
        _ada = this.SignIn(_store.AddUser("ada"));
    }

    [Fact]
    public async Task A_compose_source_asks_for_a_compose_file_and_service_domains_refuses_a_hostile_path_under_its_field_and_creates_the_application()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Stacks");
        var page = Render<NewApplicationPage>(p => p.Add(c => c.EnvironmentId, production.Id));

        RadioInput(page, "app-source-compose").Click();
        page.WaitForElement("[data-testid=app-compose-path]", WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=app-dockerfile], [data-testid=app-build-context], [data-testid=app-domains]"));
        page.Fill("app-name", "shop stack");
        page.Fill("app-git-url", "https://git.example.com/acme/stack.git");
        page.Fill("app-compose-path", "../../etc/compose.yml");
        page.Find("[data-testid=service-domain-add]").Click();
        page.Find("[data-testid=service-domain-add]").Click();
        FillRow(page, 0, "web", "shop.example.com");
        FillRow(page, 1, "api", "shop.example.com/api");
        page.Find("[data-testid=save-application]").Click();

        page.WaitForAssertion(() => Assert.True(page.ShowsError("app-compose-path")), WaitTimeout);
        Assert.Empty(_store.Applications);
        page.Fill("app-compose-path", "deploy/compose.prod.yml");
        page.Find("[data-testid=save-application]").Click();

        page.WaitForAssertion(() => Assert.Single(_store.Applications), WaitTimeout);
        var app = _store.Applications[0];
        Assert.Equal((ApplicationSourceKind.Compose, "deploy/compose.prod.yml"), (app.Source, app.ComposePath));
        Assert.Equal(["web: shop.example.com", "api: shop.example.com/api"], app.Domains.Select(d => d.ToInputText()));
    }

    [Fact]
    public async Task A_domain_row_without_its_service_shows_the_services_message_under_the_rows()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Stacks");
        var page = Render<NewApplicationPage>(p => p.Add(c => c.EnvironmentId, production.Id));

        RadioInput(page, "app-source-compose").Click();
        page.WaitForElement("[data-testid=service-domain-add]", WaitTimeout).Click();
        page.Fill("app-name", "unnamed");
        page.Fill("app-git-url", "https://git.example.com/acme/stack.git");
        FillRow(page, 0, string.Empty, "shop.example.com");
        page.Find("[data-testid=save-application]").Click();

        page.WaitForAssertion(() => Assert.Contains("needs the compose service", page.Find("[data-testid=service-domains-error]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(_store.Applications);
    }

    [Fact]
    public async Task An_existing_compose_applications_form_shows_its_rows_and_offers_no_other_kind_and_a_git_applications_offers_no_compose()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Stacks");
        var stack = await Services.CreateComposeApplicationAsync(_ada, production.Id, "stack");
        var git = await Services.CreateApplicationAsync(_ada, production.Id, "api");

        var composeForm = Render<ApplicationForm>(p => p.Add(c => c.Value, ApplicationInput.From(stack)).Add(c => c.FixedSlug, stack.Slug));
        var gitForm = Render<ApplicationForm>(p => p.Add(c => c.Value, ApplicationInput.From(git)).Add(c => c.FixedSlug, git.Slug));

        Assert.Equal([true, true, false], new[] { "app-source-git", "app-source-image", "app-source-compose" }.Select(id => RadioInput(composeForm, id).HasAttribute("disabled")));
        Assert.Equal([false, false, true], new[] { "app-source-git", "app-source-image", "app-source-compose" }.Select(id => RadioInput(gitForm, id).HasAttribute("disabled")));
        Assert.Equal("web", composeForm.Find("[data-testid=service-domain-service]").GetAttribute("value"));
        Assert.Equal("stack.example.com", composeForm.Find("[data-testid=service-domain-route]").GetAttribute("value"));
        Assert.Equal("deploy/compose.yaml", composeForm.Find("[data-testid=app-compose-path]").GetAttribute("value"));
    }

    [Fact]
    public async Task The_overview_names_the_compose_file_instead_of_a_dockerfile_and_each_domains_service()
    {
        var (project, production) = await Services.CreateProjectAsync(_ada, "Stacks");
        var stack = await Services.CreateComposeApplicationAsync(_ada, production.Id, "stack");
        ComponentFactories.AddStub<ApplicationEventsCard>();
        ComponentFactories.AddStub<GoForge.Web.Components.Pages.Monitoring.ContainerRuntimeCard>();
        ComponentFactories.AddStub<ComposeServicesCard>();

        var page = Render<ApplicationOverview>(p => p.Add(c => c.Application, stack).Add(c => c.Trail, new ProjectTrail(project, production, ProjectRole.Maintainer)));

        var source = page.WaitForElement("[data-testid=overview-source]", WaitTimeout);
        Assert.Equal("deploy/compose.yaml", source.QuerySelector("[data-testid=app-compose-path-summary]")!.TextContent.Trim());
        Assert.DoesNotContain("Dockerfile", source.TextContent, StringComparison.Ordinal);
        Assert.Equal("web", page.Find("[data-testid=overview-domain-service]").TextContent.Trim());
    }

    [Fact]
    public async Task A_compose_applications_variable_is_limited_to_the_services_typed_and_a_bad_name_shows_under_the_services_field()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Stacks");
        var app = await Services.CreateComposeApplicationAsync(_ada, production.Id, "stack");
        var editor = Render<VariableEditor>(p => p.Add(c => c.ApplicationId, app.Id).Add(c => c.CanManage, true).Add(c => c.IsCompose, true));

        editor.WaitForAssertion(() => Assert.Contains("only worker", VariableEditorTests.RowOf(editor, "WORKER_ONLY").TextContent, StringComparison.Ordinal), WaitTimeout);
        editor.WaitForElement("[data-testid=add-variable]", WaitTimeout).Click();
        editor.Fill("variable-key-input", "QUEUE_URL");
        editor.Fill("variable-value-input", "redis://queue");
        editor.Fill("variable-services-input", "web; reboot");
        editor.Find("[data-testid=save-variable]").Click();
        editor.WaitForAssertion(() => Assert.True(editor.ShowsError("variable-services-input")), WaitTimeout);
        editor.Fill("variable-services-input", "web, worker");
        editor.Find("[data-testid=save-variable]").Click();

        editor.WaitForAssertion(() => Assert.Equal(["web", "worker"], _store.Variables.Single(v => v.Key == "QUEUE_URL").Services!), WaitTimeout);
        editor.WaitForAssertion(() => Assert.Contains("only web, worker", VariableEditorTests.RowOf(editor, "QUEUE_URL").TextContent, StringComparison.Ordinal), WaitTimeout);
    }

    [Fact]
    public async Task Another_applications_variable_row_asks_for_no_services()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var editor = Render<VariableEditor>(p => p.Add(c => c.ApplicationId, app.Id).Add(c => c.CanManage, true));

        editor.WaitForElement("[data-testid=add-variable]", WaitTimeout).Click();
        editor.WaitForElement("[data-testid=variable-key-input]", WaitTimeout);

        Assert.Empty(editor.FindAll("[data-testid=variable-services-input]"));
    }

    private static void FillRow<T>(IRenderedComponent<T> rendered, int row, string service, string route)
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        rendered.WaitForAssertion(() => Assert.True(rendered.FindAll("[data-testid=service-domain-row]").Count > row), WaitTimeout);
        rendered.FindAll("[data-testid=service-domain-service]")[row].Input(service);
        rendered.FindAll("[data-testid=service-domain-route]")[row].Input(route);
    }

    private static IElement RadioInput<T>(IRenderedComponent<T> rendered, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        var radio = rendered.WaitForElement($"[data-testid={testId}]", WaitTimeout);
        return radio.TagName == "INPUT" ? radio : radio.QuerySelector("input") ?? radio.Closest(".mud-radio")?.QuerySelector("input")
            ?? throw new InvalidOperationException("no radio input:\n" + radio.OuterHtml);
    }
}
