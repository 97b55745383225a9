using System.Net;
using System.Text.Json;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Endpoints;

namespace GoForge.Tests.GitProviders;

/// <summary>
/// The webhook endpoints' limit per client address, over real sockets: the panel listens on loopback (a trusted
/// proxy), so the client address is the X-Forwarded-For one, as behind Traefik.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WebhookRateLimitTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await GoForgeApp.StartAsync(postgres, "webhooklimit", kestrel: true,
            settings: new Dictionary<string, string?> { ["GoForge:Webhooks:RequestsPerMinutePerAddress"] = "3" },
            services: GoForgeApp.WithoutDeploymentWorker);
        _http = new HttpClient { BaseAddress = _app.Address };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task An_address_over_its_limit_gets_429_with_Retry_After_and_a_json_reason_while_another_address_is_unaffected()
    {
        var allowed = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add((await DeliverAsync("203.0.113.7")).StatusCode);
        }

        var rejected = await DeliverAsync("203.0.113.7");
        var other = await DeliverAsync("203.0.113.8");

        // Unsigned deliveries for no application: each allowed one reaches the receiver, which refuses it (not 429).
        Assert.All(allowed, s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.True(int.Parse(rejected.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Equal("application/json", rejected.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync());
        Assert.Contains("3 a minute", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    [Fact]
    public async Task Every_delivery_answer_says_the_limit_and_what_remains_for_its_address()
    {
        var answers = new List<RateLimitHeaders>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(RateLimitHeaders.Read(await DeliverAsync("203.0.113.20")));
        }

        var refused = await DeliverAsync("203.0.113.20");
        var other = RateLimitHeaders.Read(await DeliverAsync("203.0.113.21"));

        Assert.All(answers, a => Assert.Equal(("webhooks", 3, 60), (a.Policy, a.Quota, a.WindowSeconds)));
        Assert.Equal([2, 1, 0], answers.Select(a => a.Remaining));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(0, RateLimitHeaders.Read(refused).Remaining);
        Assert.Equal(2, other.Remaining);
    }

    [Fact]
    public void The_default_is_600_a_minute_and_an_out_of_range_limit_stops_start_up_naming_the_key()
    {
        var validator = new WebhookOptionsValidator();

        Assert.Equal(600, new WebhookOptions().RequestsPerMinutePerAddress);
        Assert.True(validator.Validate(null, new WebhookOptions()).Succeeded);
        var refused = validator.Validate(null, new WebhookOptions { RequestsPerMinutePerAddress = 0 });
        Assert.True(refused.Failed);
        Assert.Contains("GoForge:Webhooks:RequestsPerMinutePerAddress", refused.FailureMessage, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> DeliverAsync(string clientAddress)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github")
        {
            Content = new StringContent("""{"ref":"refs/heads/main"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add("X-GitHub-Event", "push");
        return await _http.SendAsync(request);
    }
}
