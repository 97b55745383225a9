using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Notifications;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Notifications;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The notification channels card over the real Core services and a migrated database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class NotificationChannelsCardTests(PostgresFixture postgres) : GoForgeTestContext
{
    private const string SlackUrl = "https://hooks.slack.com/services/T0/B0/card-secret-token-77";
    private TestHost _host = null!;
    private User _admin = null!;

    protected override async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "channelcard");
        Services.AddSingleton(_host.Get<NotificationChannelService>());
        Services.AddScoped<CurrentUser>();
        _admin = await TestUsers.CreateAsync(_host, UserRole.Admin);
        var created = await _host.Get<NotificationChannelService>().CreateAsync(Actor.From(_admin), null, new ChannelInput
        {
            Kind = ChannelKind.Slack, Name = "ops slack", SecretUrl = SlackUrl, Subscriptions = [NotificationKind.DiskUsageHigh],
        });
        Assert.True(created.IsSuccess, created.Error?.Message);
    }

    protected override ValueTask DisposeResourcesAsync() => _host.DisposeAsync();

    [Fact]
    public void An_admin_sees_the_channel_with_its_secret_masked_and_queues_a_test_that_the_delivery_log_shows()
    {
        this.SignIn(_admin);
        Render<MudSnackbarProvider>();
        var card = Render<NotificationChannelsCard>();

        card.WaitForAssertion(() => Assert.Single(card.FindAll("[data-testid=channel-row]")), WaitTimeout);
        Assert.Equal($"https://hooks.slack.com/{ChannelRules.Mask}", card.Find("[data-testid=channel-secret]").TextContent.Trim());
        Assert.DoesNotContain("card-secret-token-77", card.Markup, StringComparison.Ordinal);
        Assert.Contains("Docker disk usage high", card.Markup, StringComparison.Ordinal);

        card.Find("[data-testid=channel-test] button, button[data-testid=channel-test]").Click();
        card.Find("[data-testid=channel-log] button, button[data-testid=channel-log]").Click();
        card.WaitForAssertion(() => Assert.Equal("pending", card.Find("[data-testid=delivery-status]").TextContent.Trim()), WaitTimeout);

        // Editing shows the settings but never the stored secret: its field is empty and says so.
        card.Find("[data-testid=channel-edit] button, button[data-testid=channel-edit]").Click();
        card.WaitForElement("[data-testid=channel-form]", WaitTimeout);
        Assert.DoesNotContain("card-secret-token-77", card.Markup, StringComparison.Ordinal);
        Assert.Contains("Leave empty to keep the stored one.", card.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_sees_no_admin_channel()
    {
        this.SignIn(await TestUsers.CreateAsync(_host));
        Render<MudSnackbarProvider>();
        var card = Render<NotificationChannelsCard>();

        card.WaitForElement("[data-testid=channels-empty]", WaitTimeout);
        Assert.DoesNotContain("ops slack", card.Markup, StringComparison.Ordinal);
    }
}
