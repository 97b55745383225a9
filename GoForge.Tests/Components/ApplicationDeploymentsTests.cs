using Bunit;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Web.Components.Pages.Applications;
using GoForge.Web.Components.Pages.Deployments;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace GoForge.Tests.Components;

[Collection(PostgresCollection.Name)]
public sealed class ApplicationDeploymentsTests(PostgresFixture postgres) : DeploymentUiTest(postgres)
{
    [Fact]
    public async Task Deploy_button_queues_a_deployment_and_opens_its_page()
    {
        SignInOwner();
        var page = Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, App.Id));

        page.WaitForElement("[data-testid=not-deployed]", WaitTimeout);
        page.WaitForElement("[data-testid=deploy]:not([disabled])", WaitTimeout).Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.Contains("/deployments/", navigation.Uri, StringComparison.Ordinal), WaitTimeout);
        var queued = Assert.Single((await Deployments.ListAsync(Owner, App.Id)).Value!);
        Assert.Equal((DeploymentState.Pending, DeploymentSource.Manual, Owner.UserId), (queued.State, queued.Source, queued.RequestedBy));
        Assert.EndsWith(DeploymentWording.Href(queued.Id), navigation.Uri, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal("Pending", page.Find("[data-testid=latest-deployment] [data-testid=deployment-state]").GetAttribute("data-state")), WaitTimeout);
    }

    [Fact]
    public async Task Deployments_tab_shows_deployments_queued_elsewhere_as_they_happen()
    {
        SignInOwner();
        var page = RenderDeploymentsTab();
        page.WaitForElement("[data-testid=deployments-empty]", WaitTimeout);

        var first = await EnqueueAsync();

        page.WaitForAssertion(() => Assert.Equal(first.Id.ToString(), Assert.Single(page.FindAll("[data-testid=deployment-row]")).GetAttribute("data-id")), WaitTimeout);
        page.WaitForAssertion(() => Assert.Equal("#1 in queue", page.Find("[data-testid=queue-position]").TextContent.Trim()), WaitTimeout);
        Assert.Equal("Pending", page.Find("[data-testid=latest-deployment] [data-testid=deployment-state]").GetAttribute("data-state"));

        var second = await EnqueueAsync();

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("[data-testid=deployment-row]");
            Assert.Equal([second.Id.ToString(), first.Id.ToString()], rows.Select(r => r.GetAttribute("data-id")));
            Assert.Equal(["Pending", "Superseded"], rows.Select(r => r.QuerySelector("[data-testid=deployment-state]")!.GetAttribute("data-state")));
        }, WaitTimeout);
        Assert.Contains("manual by you", page.Find("[data-testid=deployment-row]").TextContent, StringComparison.Ordinal);
        Assert.True(page.Find("[data-testid=rollback-menu] button").HasAttribute("disabled"), "nothing runs, so there is nothing to roll back");
    }

    [Fact]
    public async Task A_viewer_cannot_deploy()
    {
        await SignInAsync(ProjectRole.Viewer);
        await EnqueueAsync();
        var page = RenderDeploymentsTab();

        page.WaitForElement("[data-testid=deployment-row]", WaitTimeout);
        Assert.True(page.Find("[data-testid=deploy]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=rollback-menu] button").HasAttribute("disabled"));
    }

    private IRenderedComponent<ApplicationPage> RenderDeploymentsTab()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/applications/{App.Id}?tab=deployments");
        return Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, App.Id));
    }
}
