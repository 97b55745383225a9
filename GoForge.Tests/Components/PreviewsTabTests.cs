using Bunit;
using GoForge.Core.GitProviders;
using GoForge.Core.Previews;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using static GoForge.Tests.Previews.PullRequestDeliveries;

namespace GoForge.Tests.Components;

/// <summary>The Previews tab over the real services and PostgreSQL; the fork's pull request comes through the real <see cref="WebhookReceiver"/>.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PreviewsTabTests(PostgresFixture postgres) : DeploymentUiTest(postgres)
{
    private const string Fork = "https://git.example.com/contributor/fork.git";

    [Fact]
    public async Task A_maintainer_approves_a_forks_head_from_the_tab_and_the_preview_is_queued_with_its_url()
    {
        SignInOwner();
        await ForkPullRequestAsync();
        var page = RenderPreviewsTab();

        page.WaitForElement("[data-testid=preview-approve]", WaitTimeout).Click();

        page.WaitForAssertion(() => Assert.Equal("Queued", page.Find("[data-testid=preview-state]").TextContent.Trim()), WaitTimeout);
        Assert.Equal("http://pr-31.tab-previews.example.com/", page.Find("[data-testid=preview-url]").TextContent.Trim());
    }

    [Fact]
    public async Task A_deployer_sees_a_forks_preview_waiting_with_no_approve_redeploy_or_delete()
    {
        await SignInAsync(ProjectRole.Deployer);
        await ForkPullRequestAsync();
        var page = RenderPreviewsTab();

        page.WaitForElement("[data-testid=preview][data-state=AwaitingApproval]", WaitTimeout);

        Assert.Empty(page.FindAll("[data-testid=preview-approve]"));
        Assert.Empty(page.FindAll("[data-testid=preview-redeploy]"));
        Assert.Empty(page.FindAll("[data-testid=preview-delete]"));
    }

    private async Task ForkPullRequestAsync()
    {
        var secret = (await Services.GetRequiredService<WebhookService>().RegenerateSecretAsync(Owner, App.Id)).Value!;
        var saved = await Services.GetRequiredService<PreviewService>().UpdateSettingsAsync(Owner, App.Id,
            new PreviewSettingsInput { Enabled = true, DomainPattern = "pr-{number}.tab-previews.example.com" });
        Assert.True(saved.IsSuccess, saved.Error?.Message);
        var response = await Services.GetRequiredService<WebhookReceiver>().ReceiveAsync(Request(WebhookProvider.GitHub, secret, PullRequestAction.Opened, App.GitUrl, Fork, number: 31));
        Assert.Equal(WebhookResponseStatus.Ok, response.Status);
    }

    private IRenderedComponent<ApplicationPage> RenderPreviewsTab()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/applications/{App.Id}?tab=previews");
        return Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, App.Id));
    }
}
