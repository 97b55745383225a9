using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

/// <summary>The process limit and raw sockets on the application's Resources card and in its form.</summary>
public sealed class ResourcesCardTests : GoForgeTestContext
{
    private readonly InMemoryProjectStore _store;
    private readonly Actor _ada;

    public ResourcesCardTests()
    {
        _store = Services.AddInMemoryProjects();
        Services.AddFakeMonitoring(); // the Overview's runtime card watches the (fake) engine
        _ada = this.SignIn(_store.AddUser("ada"));
    }

    [Fact]
    public async Task A_new_application_shows_the_default_process_limit_and_raw_sockets_blocked()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");

        var page = Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, app.Id));

        page.WaitForElement("[data-testid=overview-resources]", WaitTimeout);
        Assert.Equal("1024 processes", page.Find("[data-testid=overview-pids]").TextContent.Trim());
        Assert.Equal("blocked (NET_RAW dropped)", page.Find("[data-testid=overview-raw-sockets]").TextContent.Trim());
    }

    [Fact]
    public async Task A_chosen_limit_and_allowed_raw_sockets_show_on_the_card()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var app = await Services.CreateApplicationAsync(_ada, production.Id, "api");
        var changed = await Services.GetRequiredService<ApplicationService>()
            .UpdateAsync(_ada, app.Id, ApplicationInput.From(app) with { PidsLimit = 64, AllowRawSockets = true });
        Assert.True(changed.IsSuccess, changed.Error?.Message);

        var page = Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, app.Id));

        page.WaitForElement("[data-testid=overview-resources]", WaitTimeout);
        Assert.Equal("64 processes", page.Find("[data-testid=overview-pids]").TextContent.Trim());
        Assert.Equal("allowed (NET_RAW kept)", page.Find("[data-testid=overview-raw-sockets]").TextContent.Trim());
    }

    [Fact]
    public async Task A_process_limit_below_the_range_shows_its_error_under_the_field_and_nothing_is_saved()
    {
        var (_, production) = await Services.CreateProjectAsync(_ada, "Shop");
        var page = Render<NewApplicationPage>(p => p.Add(c => c.EnvironmentId, production.Id));

        page.Fill("app-name", "api");
        page.Fill("app-git-url", "https://git.example.com/acme/shop.git");
        page.Fill("app-pids", "5");
        page.WaitForElement("[data-testid=save-application]", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.True(page.ShowsError("app-pids")), WaitTimeout);
        Assert.Equal("A process limit is from 16 to 32768, or empty for the default (1024).", page.MessageUnder("app-pids"));
        Assert.Empty(_store.Applications);
    }

    [Fact]
    public void The_form_hands_the_process_limit_and_the_raw_socket_switch_to_its_parent()
    {
        ApplicationInput? submitted = null;
        var form = Render<ApplicationForm>(p => p
            .Add(c => c.Value, new ApplicationInput())
            .Add(c => c.OnSubmit, (ApplicationInput input) => submitted = input));

        Assert.Equal("1024", form.WaitForElement("[data-testid=app-pids]", WaitTimeout).GetAttribute("value"));
        form.Fill("app-pids", "256");
        form.Find("[data-testid=app-raw-sockets]").Change(true);
        form.WaitForElement("[data-testid=save-application]", WaitTimeout).Click();

        form.WaitForAssertion(() => Assert.NotNull(submitted), WaitTimeout);
        Assert.Equal((256, true), (submitted!.PidsLimit, submitted.AllowRawSockets));
    }
}
