using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

/// <summary>Webhook deliveries over /api/v1: what the receiver recorded, with outcome and provider as words.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiWebhookDeliveryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private User _owner = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "apiwebhooks", services: GoForgeApp.WithoutDeploymentWorker);
        _owner = await _app.CreateUserAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_recorded_delivery_is_listed_with_its_outcome_and_reason()
    {
        var world = await ApiWorld.CreateAsync(_app, _owner, "Webhooks");
        var now = DateTimeOffset.UtcNow;
        await _app.Get<IWebhookRepository>().RecordRejectedAsync(new WebhookDelivery
        {
            Id = Guid.CreateVersion7(now),
            ApplicationId = world.Application.Id,
            Provider = WebhookProvider.GitHub,
            DeliveryKey = "delivery-1",
            Event = "push",
            ReceivedAt = now,
            LastReceivedAt = now,
            Outcome = WebhookOutcome.Rejected,
            Reason = "the signature does not match",
        });
        var client = _app.TokenClient(await _app.CreateTokenAsync(_owner, ApiScope.Read));

        var page = await (await client.GetAsync($"/api/v1/applications/{world.Application.Id}/webhook-deliveries")).JsonAsync();

        var delivery = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("delivery-1", delivery.GetProperty("deliveryKey").GetString());
        Assert.Equal("rejected", delivery.GetProperty("outcome").GetString());
        Assert.Equal("gitHub", delivery.GetProperty("provider").GetString());
        Assert.Equal("the signature does not match", delivery.GetProperty("reason").GetString());
    }
}
