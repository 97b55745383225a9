using AngleSharp.Dom;
using Bunit;
using GoForge.Core.GitProviders;
using GoForge.Core.Projects;
using GoForge.Tests.Harness;
using GoForge.Web.Components.Pages.Applications;
using GoForge.Web.Components.Pages.Webhooks;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using static GoForge.Tests.GitProviders.WebhookDeliveries;

namespace GoForge.Tests.Components;

/// <summary>The Webhooks tab over the real services and PostgreSQL; deliveries go through the real <see cref="WebhookReceiver"/>.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WebhooksPanelTests(PostgresFixture postgres) : DeploymentUiTest(postgres)
{
    private WebhookService Webhooks => Services.GetRequiredService<WebhookService>();

    private WebhookReceiver Receiver => Services.GetRequiredService<WebhookReceiver>();

    [Fact]
    public void Webhook_urls_name_the_application_for_each_provider_and_copy_to_the_clipboard()
    {
        SignInOwner();
        var page = RenderWebhooksTab();

        page.WaitForElement("[data-testid=webhook-urls]", WaitTimeout);
        var urls = page.FindAll("[data-testid=webhook-url]").Select(u => u.TextContent.Trim()).ToArray();
        Assert.Equal(
            [$"http://localhost/webhooks/github?app={App.Id}", $"http://localhost/webhooks/gitlab?app={App.Id}", $"http://localhost/webhooks/gitea?app={App.Id}"],
            urls);
        var hints = page.FindAll("[data-testid=webhook-hint]").Select(h => h.TextContent).ToArray();
        Assert.Contains("\"Just the push event\"", hints[0], StringComparison.Ordinal);
        Assert.Contains("Secret token", hints[1], StringComparison.Ordinal);
        Assert.Contains("POST", hints[2], StringComparison.Ordinal);

        page.FindAll("[data-testid=copy-webhook-url]")[1].Click();

        page.WaitForAssertion(() => Assert.Equal(urls[1], JSInterop.VerifyInvoke("navigator.clipboard.writeText").Arguments[0]), WaitTimeout);
    }

    [Fact]
    public void Webhook_urls_use_the_configured_public_url()
    {
        Services.AddSingleton(Options.Create(new GoForgeWebOptions { PublicUrl = new Uri("https://panel.example.com/goforge/") }));
        SignInOwner();
        var page = RenderWebhooksTab();

        page.WaitForAssertion(() => Assert.Equal(
            $"https://panel.example.com/goforge/webhooks/gitea?app={App.Id}",
            page.FindAll("[data-testid=webhook-url]")[2].TextContent.Trim()), WaitTimeout);
    }

    [Fact]
    public async Task Without_a_secret_deliveries_are_refused_until_a_maintainer_creates_one_which_is_shown_right_away()
    {
        SignInOwner();
        var page = RenderWebhooksTab();

        Assert.Contains("every delivery to this application is refused", page.WaitForElement("[data-testid=webhook-no-secret]", WaitTimeout).TextContent, StringComparison.Ordinal);
        Assert.Contains("Create the secret", page.Find("[data-testid=webhook-deliveries-empty]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=create-webhook-secret]").Click();

        page.WaitForAssertion(() => Assert.Matches("^[0-9a-f]{64}$", page.Find("[data-testid=webhook-secret-value]").TextContent.Trim()), WaitTimeout);
        var secret = (await Webhooks.RevealSecretAsync(Owner, App.Id)).Value!;
        Assert.Equal(secret, page.Find("[data-testid=webhook-secret-value]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=webhook-no-secret], [data-testid=create-webhook-secret]"));
        page.WaitForElement("[data-testid=webhook-secret-new]", WaitTimeout);

        // Shown once: opened again, the tab masks it until the maintainer reveals it.
        var again = RenderWebhooksTab();
        again.WaitForAssertion(() => Assert.Equal(WebhookWording.Mask, again.Find("[data-testid=webhook-secret-value]").TextContent.Trim()), WaitTimeout);
        Assert.DoesNotContain(secret, again.Markup, StringComparison.Ordinal);
        again.Find("[data-testid=reveal-webhook-secret]").Click();
        again.WaitForAssertion(() => Assert.Equal(secret, again.Find("[data-testid=webhook-secret-value]").TextContent.Trim()), WaitTimeout);
    }

    [Fact]
    public async Task Regenerating_asks_first_and_shows_the_new_secret()
    {
        SignInOwner();
        var old = (await Webhooks.RegenerateSecretAsync(Owner, App.Id)).Value!;
        var dialogs = Render<MudDialogProvider>();
        var page = RenderWebhooksTab();

        page.WaitForElement("[data-testid=regenerate-webhook-secret]", WaitTimeout).Click();
        dialogs.WaitForAssertion(() => Assert.Contains("stops working at once", dialogs.Markup, StringComparison.Ordinal), WaitTimeout);
        Assert.Equal(old, (await Webhooks.RevealSecretAsync(Owner, App.Id)).Value);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Regenerate").Click();

        page.WaitForAssertion(() => Assert.Matches("^[0-9a-f]{64}$", page.Find("[data-testid=webhook-secret-value]").TextContent.Trim()), WaitTimeout);
        var shown = page.Find("[data-testid=webhook-secret-value]").TextContent.Trim();
        Assert.NotEqual(old, shown);
        Assert.Equal(shown, (await Webhooks.RevealSecretAsync(Owner, App.Id)).Value);
    }

    [Theory]
    [InlineData(ProjectRole.Viewer)]
    [InlineData(ProjectRole.Deployer)]
    public async Task Non_maintainers_see_that_a_secret_exists_but_never_its_value(ProjectRole role)
    {
        await SignInAsync(role); // before any service is resolved: signing in registers services
        var secret = (await Webhooks.RegenerateSecretAsync(Owner, App.Id)).Value!;
        var page = RenderWebhooksTab();

        page.WaitForAssertion(() => Assert.Equal(WebhookWording.Mask, page.Find("[data-testid=webhook-secret-value]").TextContent.Trim()), WaitTimeout);
        Assert.StartsWith("Created ", page.Find("[data-testid=webhook-secret-created]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=reveal-webhook-secret], [data-testid=copy-webhook-secret], [data-testid=regenerate-webhook-secret], [data-testid=create-webhook-secret]"));
        Assert.DoesNotContain(secret, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_received_while_open_appears_without_reload()
    {
        SignInOwner();
        var secret = (await Webhooks.RegenerateSecretAsync(Owner, App.Id)).Value!;
        var page = RenderWebhooksTab();
        page.WaitForElement("[data-testid=webhook-deliveries-empty]", WaitTimeout);

        var ignored = await Receiver.ReceiveAsync(GitHubPush(secret, App.GitUrl, "refs/heads/feature/login", applicationId: App.Id));

        Assert.Equal(WebhookResponseStatus.Ok, ignored.Status);
        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("[data-testid=webhook-delivery]"));
            Assert.Equal("ignored", Text(row, "delivery-outcome"));
            Assert.Equal("pushed to 'feature/login'; this application deploys 'main'", Text(row, "delivery-reason"));
            Assert.Equal("feature/login", Text(row, "delivery-ref"));
            Assert.Equal(SomeSha[..12], Text(row, "delivery-commit"));
        }, WaitTimeout);

        var rejected = await Receiver.ReceiveAsync(Push(WebhookProvider.Gitea, "not the secret", App.GitUrl, applicationId: App.Id));

        Assert.Equal(WebhookResponseStatus.Unauthorized, rejected.Status);
        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("[data-testid=webhook-delivery]");
            Assert.Equal(["Rejected", "Ignored"], rows.Select(r => r.GetAttribute("data-outcome")));
            Assert.Contains("does not match the application's webhook secret", Text(rows[0], "delivery-reason"), StringComparison.Ordinal);
            Assert.Contains("Gitea", rows[0].TextContent, StringComparison.Ordinal);
        }, WaitTimeout);
        Assert.Empty(page.FindAll("[data-testid=delivery-deployment]"));
    }

    [Fact]
    public async Task Deployed_delivery_links_to_its_deployment_and_counts_redeliveries()
    {
        SignInOwner();
        var secret = (await Webhooks.RegenerateSecretAsync(Owner, App.Id)).Value!;
        var page = RenderWebhooksTab();
        page.WaitForElement("[data-testid=webhook-deliveries-empty]", WaitTimeout);
        var push = Push(WebhookProvider.GitLab, secret, App.GitUrl, applicationId: App.Id, deliveryId: Guid.NewGuid().ToString());

        var deployed = await Receiver.ReceiveAsync(push);
        await Receiver.ReceiveAsync(push); // the Git host retried: handled once, counted

        Assert.Equal(WebhookResponseStatus.Accepted, deployed.Status);
        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("[data-testid=webhook-delivery]"));
            Assert.Equal("deployed", Text(row, "delivery-outcome"));
            Assert.Equal($"/deployments/{deployed.DeploymentId}", row.QuerySelector("[data-testid=delivery-deployment]")!.GetAttribute("href"));
            Assert.Equal("redelivered once", Text(row, "delivery-redeliveries"));
            Assert.Equal("main", Text(row, "delivery-ref"));
        }, WaitTimeout);
        Assert.Single((await Deployments.ListAsync(Owner, App.Id)).Value!);
    }

    private static string Text(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")?.TextContent.Trim() ?? string.Empty;

    private IRenderedComponent<ApplicationPage> RenderWebhooksTab()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/applications/{App.Id}?tab=webhooks");
        return Render<ApplicationPage>(p => p.Add(c => c.ApplicationId, App.Id));
    }
}
