using Bunit;
using GoForge.Core.Deployments;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Components.Pages.Deployments;

namespace GoForge.Tests.Components;

[Collection(PostgresCollection.Name)]
public sealed class DeploymentPageTests(PostgresFixture postgres) : DeploymentUiTest(postgres)
{
    [Fact]
    public async Task Log_shows_stored_lines_then_lines_published_later_once_each()
    {
        SignInOwner();
        var deployment = await EnqueueAsync();
        await AppendLogAsync(deployment.Id, "queued");
        var page = Render<DeploymentPage>(p => p.Add(c => c.DeploymentId, deployment.Id));
        page.WaitForAssertion(() => Assert.Equal(["queued"], LogLines(page)), WaitTimeout);

        await AppendLogAsync(deployment.Id, "Cloning https://git.example.com/acme/shop.git", "Step 1/3 : FROM busybox");

        page.WaitForAssertion(() => Assert.Equal(["queued", "Cloning https://git.example.com/acme/shop.git", "Step 1/3 : FROM busybox"], LogLines(page)), WaitTimeout);
        Assert.Equal("3 lines", page.Find("[data-testid=log-count]").TextContent.Trim());
        Assert.Equal($"/deployments/{deployment.Id}/log.txt", page.Find("[data-testid=log-download]").GetAttribute("href"));
    }

    [Fact]
    public async Task Lines_the_feed_dropped_are_read_from_the_store_before_newer_pushed_ones()
    {
        SignInOwner();
        var deployment = await EnqueueAsync();
        await AppendLogAsync(deployment.Id, "queued");
        var page = Render<DeploymentPage>(p => p.Add(c => c.DeploymentId, deployment.Id));
        page.WaitForAssertion(() => Assert.Equal(["queued"], LogLines(page)), WaitTimeout);

        // Stored but never pushed, as when a viewer fell further behind than the feed keeps.
        await StoreLogAsync(deployment.Id, "Cloning https://git.example.com/acme/shop.git", "Step 1/3 : FROM busybox");
        await AppendLogAsync(deployment.Id, "Step 2/3 : COPY . /www");

        page.WaitForAssertion(
            () => Assert.Equal(["queued", "Cloning https://git.example.com/acme/shop.git", "Step 1/3 : FROM busybox", "Step 2/3 : COPY . /www"], LogLines(page)),
            WaitTimeout);
    }

    [Fact]
    public async Task Search_keeps_only_matching_lines()
    {
        SignInOwner();
        var deployment = await EnqueueAsync();
        await AppendLogAsync(deployment.Id, "Step 1/2 : FROM busybox", "pulling layer", "Step 2/2 : CMD httpd");
        var page = Render<DeploymentPage>(p => p.Add(c => c.DeploymentId, deployment.Id));
        page.WaitForAssertion(() => Assert.Equal(3, LogLines(page).Length), WaitTimeout);

        page.Fill("log-search", "step");

        page.WaitForAssertion(() => Assert.Equal(["Step 1/2 : FROM busybox", "Step 2/2 : CMD httpd"], LogLines(page)), WaitTimeout);
    }

    [Fact]
    public async Task A_compose_log_gets_a_pressed_toggle_per_service_that_shows_only_its_lines_and_all_brings_every_line_back()
    {
        SignInOwner();
        var deployment = await EnqueueAsync();
        await AppendLogAsync(deployment.Id, "Reading compose.yaml", "[web] Step 1/2 : FROM busybox", "[worker] pulling busybox", "[web] Step 2/2 : CMD httpd");
        var page = Render<DeploymentPage>(p => p.Add(c => c.DeploymentId, deployment.Id));
        page.WaitForAssertion(() => Assert.Equal(4, LogLines(page).Length), WaitTimeout);
        Assert.Equal(["web", "worker"], page.FindAll("[data-testid=log-service]").Select(b => b.GetAttribute("data-service")));
        Assert.Equal("true", page.Find("[data-testid=log-service-all]").GetAttribute("aria-pressed"));

        page.Find("[data-testid=log-service][data-service=web]").Click();

        page.WaitForAssertion(() => Assert.Equal(["[web] Step 1/2 : FROM busybox", "[web] Step 2/2 : CMD httpd"], LogLines(page)), WaitTimeout);
        Assert.Equal("true", page.Find("[data-testid=log-service][data-service=web]").GetAttribute("aria-pressed"));
        Assert.Equal("false", page.Find("[data-testid=log-service-all]").GetAttribute("aria-pressed"));
        Assert.Equal("2 of 4 lines", page.Find("[data-testid=log-count]").TextContent.Trim());
        await AppendLogAsync(deployment.Id, "[worker] started", "[db] pulling postgres");
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=log-service]").Count), WaitTimeout);
        Assert.Equal(2, LogLines(page).Length);

        page.Find("[data-testid=log-service-all]").Click();

        page.WaitForAssertion(() => Assert.Equal(6, LogLines(page).Length), WaitTimeout);
    }

    [Fact]
    public async Task A_log_without_service_prefixes_has_no_service_toggles()
    {
        SignInOwner();
        var deployment = await EnqueueAsync();
        await AppendLogAsync(deployment.Id, "Step 1/2 : FROM busybox", "[not a service] x", "[web]no space");
        var page = Render<DeploymentPage>(p => p.Add(c => c.DeploymentId, deployment.Id));
        page.WaitForAssertion(() => Assert.Equal(3, LogLines(page).Length), WaitTimeout);

        Assert.Empty(page.FindAll("[data-testid=log-services]"));
    }

    [Fact]
    public async Task Cancel_is_enabled_while_pending_and_disabled_once_running_and_the_steps_follow()
    {
        SignInOwner();
        var deployment = await EnqueueAsync();
        var page = Render<DeploymentPage>(p => p.Add(c => c.DeploymentId, deployment.Id));
        page.WaitForElement("[data-testid=cancel-deployment]:not([disabled])", WaitTimeout);
        Assert.Equal("#1 in queue", page.Find("[data-testid=queue-position]").TextContent.Trim());

        await TransitionAsync(deployment.Id, DeploymentTrigger.Start, DeploymentTrigger.CloneSucceeded, DeploymentTrigger.BuildSucceeded, DeploymentTrigger.BecameHealthy);

        page.WaitForAssertion(() => Assert.Equal(["Done", "Done", "Done", "Done", "Done"], StepStatuses(page)), WaitTimeout);
        page.WaitForElement("[data-testid=cancel-deployment][disabled]", WaitTimeout);
        Assert.True(page.Find("[data-testid=rollback-deployment]").HasAttribute("disabled"), "no earlier image to go back to");
        Assert.Equal(5, page.FindAll("[data-testid=deployment-timings] tr").Count);
    }

    [Fact]
    public async Task Canceling_shows_where_the_deployment_stopped_and_why()
    {
        SignInOwner();
        var deployment = await EnqueueAsync();
        await TransitionAsync(deployment.Id, DeploymentTrigger.Start, DeploymentTrigger.CloneSucceeded);
        var page = Render<DeploymentPage>(p => p.Add(c => c.DeploymentId, deployment.Id));

        page.WaitForElement("[data-testid=cancel-deployment]:not([disabled])", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.Equal(["Done", "Done", "Stopped", "Ahead", "Ahead"], StepStatuses(page)), WaitTimeout);
        Assert.Contains($"Stopped while building: canceled by {Owner.Login}", page.Find("[data-testid=deployment-reason]").TextContent, StringComparison.Ordinal);
        Assert.True(page.Find("[data-testid=cancel-deployment]").HasAttribute("disabled"));
        Assert.Equal(DeploymentState.Canceled, (await Deployments.GetAsync(Owner, deployment.Id)).Value!.State);
    }

    [Fact]
    public async Task A_viewer_sees_the_deployment_but_cannot_cancel_it()
    {
        var deployment = await EnqueueAsync();
        await SignInAsync(ProjectRole.Viewer);
        var page = Render<DeploymentPage>(p => p.Add(c => c.DeploymentId, deployment.Id));

        page.WaitForElement("[data-testid=deployment-steps]", WaitTimeout);
        Assert.True(page.Find("[data-testid=cancel-deployment]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=rollback-deployment]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task An_outsider_gets_no_such_deployment()
    {
        var deployment = await EnqueueAsync();
        await AppendLogAsync(deployment.Id, "private line");
        await SignInAsync(role: null);
        var page = Render<DeploymentPage>(p => p.Add(c => c.DeploymentId, deployment.Id));

        page.WaitForAssertion(() => Assert.Contains("No such deployment", page.Find("[data-testid=not-found] h1").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.DoesNotContain("private line", page.Markup, StringComparison.Ordinal);
    }

    private static string[] LogLines(IRenderedComponent<DeploymentPage> page) =>
        page.FindAll("[data-testid=log-line]").Select(l => l.TextContent[l.QuerySelector(".gf-log-no")!.TextContent.Length..]).ToArray();

    private static string[] StepStatuses(IRenderedComponent<DeploymentPage> page) =>
        page.FindAll("[data-testid=deployment-step]").Select(s => s.GetAttribute("data-status")!).ToArray();
}
