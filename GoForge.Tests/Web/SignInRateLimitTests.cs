using System.Net;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GoForge.Tests.Web;

[Collection(PostgresCollection.Name)]
public sealed class SignInRateLimitTests(PostgresFixture postgres) : IAsyncLifetime
{
    private GoForgeApp _app = null!;

    public async Task InitializeAsync() => _app = await GoForgeApp.StartAsync(postgres, "ratelimit", settings: new Dictionary<string, string?>
    {
        ["GoForge:Auth:LoginAttemptsPerMinutePerAddress"] = "3",
        ["GoForge:Auth:LoginAttemptsPerMinutePerAccount"] = "100",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Too_many_posts_from_one_address_get_a_429_with_a_clear_message()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 0; i < 3; i++)
        {
            var allowed = await FormClient.SignInAsync(client, $"guess{i}", "wrong password");
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        var user = await _app.CreateUserAsync();
        var refused = await FormClient.SignInAsync(client, user.Login, TestUsers.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many sign-in attempts from your address", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task Every_sign_in_post_says_the_limit_and_what_remains_and_the_429_adds_Retry_After()
    {
        // A fresh app: the address's window is its own.
        await using var app = await GoForgeApp.StartAsync(postgres, "ratelimithdr", settings: new Dictionary<string, string?>
        {
            ["GoForge:Auth:LoginAttemptsPerMinutePerAddress"] = "3",
            ["GoForge:Auth:LoginAttemptsPerMinutePerAccount"] = "100",
        });
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var answers = new List<RateLimitHeaders>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(RateLimitHeaders.Read(await FormClient.SignInAsync(client, $"guess{i}", "wrong password")));
        }

        var refused = await FormClient.SignInAsync(client, "guess", "wrong password");
        var page = await client.GetAsync("/login");

        Assert.All(answers, a => Assert.Equal(("sign-in", 3, 60), (a.Policy, a.Quota, a.WindowSeconds)));
        Assert.Equal([2, 1, 0], answers.Select(a => a.Remaining));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(0, RateLimitHeaders.Read(refused).Remaining);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.False(page.Headers.Contains("RateLimit"), "reading the sign-in page is not limited");
    }
}
