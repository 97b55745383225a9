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
}
