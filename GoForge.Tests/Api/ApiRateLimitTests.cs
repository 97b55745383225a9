using System.Net;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class ApiRateLimitTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;

    public async Task InitializeAsync() => _app = await GoForgeApp.StartAsync(postgres, "apilimit",
        settings: new Dictionary<string, string?> { ["GoForge:Api:RequestsPerMinutePerToken"] = "3" },
        services: GoForgeApp.WithoutDeploymentWorker);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_token_over_its_limit_gets_429_with_Retry_After_and_another_token_is_unaffected()
    {
        var user = await _app.CreateUserAsync();
        var busy = _app.TokenClient(await _app.CreateTokenAsync(user, ApiScope.Read));
        var other = _app.TokenClient(await _app.CreateTokenAsync(user, ApiScope.Read));

        var allowed = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add((await busy.GetAsync("/api/v1/me")).StatusCode);
        }

        var rejected = await busy.GetAsync("/api/v1/me");
        var unaffected = await other.GetAsync("/api/v1/me");

        Assert.All(allowed, s => Assert.Equal(HttpStatusCode.OK, s));
        var problem = await rejected.AssertProblemAsync(429);
        Assert.Contains("3 requests a minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(int.Parse(rejected.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
    }

    [Fact]
    public async Task Every_answer_carries_the_policy_and_what_remains_and_the_429_says_none_is_left()
    {
        var user = await _app.CreateUserAsync();
        var client = _app.TokenClient(await _app.CreateTokenAsync(user, ApiScope.Read));

        var answers = new List<RateLimitHeaders>();
        for (var i = 0; i < 3; i++)
        {
            var response = await client.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(RateLimitHeaders.Read(response));
        }

        // An answer that is not a success still counts and still says so: a 404 of an unknown project.
        var refused = await client.GetAsync("/api/v1/projects/" + Guid.NewGuid());

        Assert.All(answers, a => Assert.Equal(("api-token", 3, 60), (a.Policy, a.Quota, a.WindowSeconds)));
        Assert.Equal([2, 1, 0], answers.Select(a => a.Remaining));
        Assert.All(answers, a => Assert.InRange(a.ResetSeconds, 1, 60));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var last = RateLimitHeaders.Read(refused);
        Assert.Equal(0, last.Remaining);
        Assert.Equal(last.ResetSeconds, int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_unauthenticated_call_is_not_counted_against_any_token()
    {
        var response = await _app.TokenClient(null).GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("RateLimit"));
    }
}
