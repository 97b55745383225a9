using GoForge.Core.Common.Live;
using GoForge.Core.Deployments;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser;

[Collection(PostgresCollection.Name)]
public sealed class DeploymentBrowserTests(BrowserFixture browser, PostgresFixture postgres)
    : BrowserTest(browser, postgres, "deployui"), IClassFixture<BrowserFixture>
{
    // The test moves the deployment itself; a worker would try to clone the fake repository.
    protected override void ConfigureServices(IServiceCollection services) => GoForgeApp.WithoutDeploymentWorker(services);

    [Fact]
    public async Task Deployment_page_shows_state_changes_and_log_lines_as_they_happen()
    {
        var member = await App.CreateUserAsync();
        var actor = Actor.From(member);
        var (_, production) = await App.Services.CreateProjectAsync(actor, "Shop");
        var application = await App.Services.CreateApplicationAsync(actor, production.Id, "api");
        var deployment = (await App.Get<DeploymentService>().EnqueueAsync(actor, application.Id)).Value!;

        var page = await SignInAsync(member.Login, $"/deployments/{deployment.Id}");
        var log = page.Locator("[data-testid=deployment-log]");
        await log.GetByText("No log lines yet.").WaitForAsync();
        await page.Locator("[data-testid=cancel-deployment]:not([disabled])").WaitForAsync();

        await MoveAsync(deployment.Id, DeploymentTrigger.Start);
        await AppendLogAsync(deployment, "Cloning https://git.example.com/acme/shop.git (main)");
        await page.Locator("[data-testid=deployment-step][data-step=Cloning][data-status=Current]").WaitForAsync();
        await log.GetByText("Cloning https://git.example.com/acme/shop.git (main)").WaitForAsync();

        await MoveAsync(deployment.Id, DeploymentTrigger.CloneSucceeded);
        await AppendLogAsync(deployment, [.. Enumerable.Range(1, 40).Select(i => $"build output line {i}")]);
        await MoveAsync(deployment.Id, DeploymentTrigger.BuildSucceeded);
        await MoveAsync(deployment.Id, DeploymentTrigger.BecameHealthy);

        await page.Locator("[data-testid=deployment-step][data-step=Running][data-status=Done]").WaitForAsync();
        var last = log.Locator("[data-testid=log-line][data-line='41']");
        await last.WaitForAsync();
        Assert.EndsWith("build output line 40", await last.InnerTextAsync(), StringComparison.Ordinal);
        await page.Locator("[data-testid=cancel-deployment][disabled]").WaitForAsync();
        Assert.Equal(41, await page.Locator("[data-testid=log-line]").CountAsync());

        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "deployment.png"), FullPage = true });
    }

    private async Task MoveAsync(Guid deploymentId, DeploymentTrigger trigger)
    {
        var moved = await App.Get<DeploymentStates>().TransitionAsync(deploymentId, trigger, TransitionRequest.System(trigger.ToString()));
        Assert.True(moved.IsSuccess, moved.Error?.Message);
    }

    private async Task AppendLogAsync(Deployment deployment, params string[] lines)
    {
        var stored = await App.Get<IDeploymentRepository>().AppendLogAsync(deployment.Id, lines, DateTimeOffset.UtcNow);
        App.Get<ChangeFeed<DeploymentUpdate>>().Publish(new DeploymentLogAppended(deployment.Id, deployment.ApplicationId, stored));
    }
}
