using AngleSharp.Dom;
using Bunit;
using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

public sealed class RoutingTabTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly User _ada;

    public RoutingTabTests()
    {
        _store = Services.AddInMemoryProjects();
        _ada = _store.AddUser("ada");
    }

    private RoutingService Routing => Services.GetRequiredService<RoutingService>();

    [Fact]
    public async Task Routing_tab_loads_the_saved_settings()
    {
        this.SignIn(_ada);
        var app = await SeedAsync();
        var saved = await Routing.UpdateAsync(Actor.From(_ada), app.Id, new RoutingInput
        {
            IpAllowList = "203.0.113.0/24",
            RateLimitAverage = 10,
            RateLimitBurst = 20,
            ResponseHeaders = "X-Robots-Tag: noindex",
            BasicAuthUsers = [new BasicAuthUserInput { UserName = "alice", Password = "correct horse battery" }],
        });
        Assert.True(saved.IsSuccess, saved.Error?.Message);

        var page = RenderRoutingTab(app.Id);

        Assert.Equal("203.0.113.0/24", ValueOf(page.WaitForElement("[data-testid=routing-allow-list]", WaitTimeout)));
        Assert.Equal("10", ValueOf(page.Find("[data-testid=routing-rate-average]")));
        Assert.Equal("20", ValueOf(page.Find("[data-testid=routing-rate-burst]")));
        Assert.Equal("X-Robots-Tag", ValueOf(page.Find("[data-testid=routing-header-name]")));
        Assert.Equal("noindex", ValueOf(page.Find("[data-testid=routing-header-value]")));
        Assert.Equal("alice", ValueOf(page.Find("[data-testid=routing-user-name]")));
        Assert.Equal(string.Empty, ValueOf(page.Find("[data-testid=routing-user-password]")));
        Assert.Equal("Empty keeps the stored password", page.MessageUnder("routing-user-password"));
        Assert.Contains("api.example.com", page.Find("[data-testid=routing-domains]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_valid_routing_persists_it_and_a_reload_shows_it()
    {
        this.SignIn(_ada);
        var app = await SeedAsync();
        var page = RenderRoutingTab(app.Id);

        page.Fill("routing-allow-list", "10.0.0.0/8\n192.0.2.7");
        page.Fill("routing-resolver", "dns");
        page.WaitForElement("[data-testid=routing-header-add]", WaitTimeout).Click();
        page.Fill("routing-header-name", "X-Robots-Tag");
        page.Fill("routing-header-value", "noindex");
        page.WaitForElement("[data-testid=routing-user-add]", WaitTimeout).Click();
        page.Fill("routing-user-name", "alice");
        page.Fill("routing-user-password", "correct horse battery");
        page.Find("[data-testid=save-routing]").Click();

        page.WaitForAssertion(() => Assert.NotNull(_store.Routing(app.Id)), WaitTimeout);
        var stored = _store.Routing(app.Id)!;
        Assert.Equal(["10.0.0.0/8", "192.0.2.7/32"], stored.IpAllowList);
        Assert.Equal("dns", stored.CertResolver);
        Assert.Equal([new ResponseHeader("X-Robots-Tag", "noindex")], stored.ResponseHeaders);
        var alice = Assert.Single(stored.BasicAuthUsers);
        Assert.Equal("alice", alice.UserName);
        Assert.True(RoutingInputRules.IsBcryptHash(alice.PasswordHash));
        Assert.DoesNotContain("correct horse battery", page.Markup, StringComparison.Ordinal);

        var reloaded = RenderRoutingTab(app.Id);
        Assert.Equal("10.0.0.0/8\n192.0.2.7/32", ValueOf(reloaded.WaitForElement("[data-testid=routing-allow-list]", WaitTimeout)));
        Assert.Equal("dns", ValueOf(reloaded.Find("[data-testid=routing-resolver]")));
        Assert.Equal("alice", ValueOf(reloaded.Find("[data-testid=routing-user-name]")));
    }

    [Fact]
    public async Task A_header_value_with_a_line_break_is_refused_beside_the_headers_and_nothing_is_saved()
    {
        this.SignIn(_ada);
        var app = await SeedAsync();
        var page = RenderRoutingTab(app.Id);

        page.WaitForElement("[data-testid=routing-header-add]", WaitTimeout).Click();
        page.Fill("routing-header-name", "X-Note");
        page.Fill("routing-header-value", "hello\nSet-Cookie: session=stolen");
        page.Find("[data-testid=save-routing]").Click();

        page.WaitForAssertion(() => Assert.Contains("line break", page.Find("[data-testid=routing-headers-error]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Null(_store.Routing(app.Id));
    }

    [Theory]
    [InlineData("routing-header-value", "say `hi`", "routing-headers-error")]
    [InlineData("routing-header-value", "a\"b", "routing-headers-error")]
    [InlineData("routing-header-name", "X_Under", "routing-headers-error")]
    public async Task A_hostile_header_is_refused_by_the_service_and_nothing_is_saved(string field, string value, string errorId)
    {
        this.SignIn(_ada);
        var app = await SeedAsync();
        var page = RenderRoutingTab(app.Id);

        page.WaitForElement("[data-testid=routing-header-add]", WaitTimeout).Click();
        page.Fill("routing-header-name", "X-Note");
        page.Fill("routing-header-value", "fine");
        page.Fill(field, value);
        page.Find("[data-testid=save-routing]").Click();

        page.WaitForAssertion(() => Assert.NotEmpty(page.Find($"[data-testid={errorId}]").TextContent), WaitTimeout);
        Assert.Null(_store.Routing(app.Id));
    }

    [Theory]
    [InlineData("routing-allow-list", "10.0.0.1/8")]
    [InlineData("routing-allow-list", "127.1")]
    [InlineData("routing-resolver", "le`x")]
    [InlineData("routing-rate-average", "0")]
    public async Task Hostile_input_shows_the_field_error_and_saves_nothing(string field, string value)
    {
        this.SignIn(_ada);
        var app = await SeedAsync();
        var page = RenderRoutingTab(app.Id);

        page.Fill(field, value);
        page.WaitForElement("[data-testid=save-routing]", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.True(page.ShowsError(field)), WaitTimeout);
        Assert.Null(_store.Routing(app.Id));
        Assert.DoesNotContain(_store.Audit, e => e.Action == AuditActions.RoutingUpdated);
    }

    [Fact]
    public async Task A_new_user_without_a_password_is_refused()
    {
        this.SignIn(_ada);
        var app = await SeedAsync();
        var page = RenderRoutingTab(app.Id);

        page.WaitForElement("[data-testid=routing-user-add]", WaitTimeout).Click();
        page.Fill("routing-user-name", "bob");
        page.Find("[data-testid=save-routing]").Click();

        page.WaitForAssertion(() => Assert.Contains("Enter a password for 'bob'", page.Find("[data-testid=routing-users-error]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Null(_store.Routing(app.Id));
    }

    [Fact]
    public async Task A_viewer_sees_the_routing_disabled_without_a_save_button()
    {
        this.SignIn(_store.AddUser("vic"));
        var app = await SeedAsync();
        await Services.AddMemberAsync(Actor.From(_ada), app.ProjectId, "vic", ProjectRole.Viewer);

        var page = RenderRoutingTab(app.Id);

        page.WaitForElement("[data-testid=routing-read-only]", WaitTimeout);
        Assert.True(page.Find("[data-testid=routing-allow-list]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=routing-resolver]").HasAttribute("disabled"));
        Assert.Empty(page.FindAll("[data-testid=save-routing]"));
        Assert.Empty(page.FindAll("[data-testid=routing-header-add]"));
        Assert.Empty(page.FindAll("[data-testid=routing-user-add]"));
    }

    [Fact]
    public async Task An_outsider_gets_not_found()
    {
        this.SignIn(_store.AddUser("eve"));
        var app = await SeedAsync();

        var tab = Render<ApplicationRouting>(p => p.Add(c => c.Application, app).Add(c => c.CanManage, true));

        tab.WaitForAssertion(() => Assert.Contains("No such application", tab.Find("[data-testid=not-found] h1").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(tab.FindAll("[data-testid=routing-form]"));
    }

    [Fact]
    public async Task The_proxy_configuration_preview_shows_the_traefik_router_of_an_application_with_a_domain()
    {
        this.SignIn(_ada);
        var app = await SeedAsync();
        var page = RenderRoutingTab(app.Id);

        page.WaitForElement("[data-testid=routing-proxy-config] .mud-expand-panel-header", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.Contains("\"routers\"", page.Find("[data-testid=routing-proxy-config-text]").TextContent, StringComparison.Ordinal), WaitTimeout);
        var text = page.Find("[data-testid=routing-proxy-config-text]").TextContent;
        Assert.Contains("Host(`api.example.com`)", text, StringComparison.Ordinal);
        Assert.Contains($"http://{RoutingService.PreviewContainer(app.Slug)}:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_proxy_configuration_preview_hides_basic_auth_password_hashes()
    {
        this.SignIn(_ada);
        var app = await SeedAsync();
        var saved = await Routing.UpdateAsync(Actor.From(_ada), app.Id, new RoutingInput
        {
            BasicAuthUsers = [new BasicAuthUserInput { UserName = "alice", Password = "correct horse battery" }],
        });
        Assert.True(saved.IsSuccess, saved.Error?.Message);
        var page = RenderRoutingTab(app.Id);

        page.WaitForElement("[data-testid=routing-proxy-config] .mud-expand-panel-header", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.Contains($"alice:{RoutingService.HiddenHash}", page.Find("[data-testid=routing-proxy-config-text]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.DoesNotContain("$2y$", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(_store.Routing(app.Id)!.BasicAuthUsers[0].PasswordHash, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_in_settings_opens_the_settings_tab()
    {
        this.SignIn(_ada);
        var app = await SeedAsync();
        var page = RenderRoutingTab(app.Id);

        page.WaitForElement("[data-testid=routing-edit-domains]", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=app-domains]")), WaitTimeout);
    }

    private async Task<Application> SeedAsync()
    {
        var (_, production) = await Services.CreateProjectAsync(Actor.From(_ada), "Shop");
        return await Services.CreateApplicationAsync(Actor.From(_ada), production.Id, "api");
    }

    private IRenderedComponent<ApplicationPage> RenderRoutingTab(Guid applicationId)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/applications/{applicationId}?tab=routing");
        return Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, applicationId));
    }

    // Blazor writes an input's value as an attribute and a text area's as its content.
    private static string ValueOf(IElement element) => element.GetAttribute("value") ?? element.TextContent;
}
