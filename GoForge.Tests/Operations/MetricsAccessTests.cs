using System.Net;
using System.Net.Http.Headers;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Operations;

/// <summary>
/// Who may read <c>/metrics</c>: the real panel in the test server, every request made to look as if it came from
/// 203.0.113.7 (a documentation address, not loopback) by a start-up filter ahead of the panel's own pipeline.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MetricsAccessTests(PostgresFixture postgres)
{
    private const string Token = "0123456789abcdef0123456789abcdef-metrics";
    private static readonly IPAddress Remote = IPAddress.Parse("203.0.113.7");

    [Fact]
    public async Task Metrics_from_another_address_is_404_when_no_token_is_configured()
    {
        await using var app = await StartAsync(token: null);
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });

        using var anonymous = await http.GetAsync("/metrics");
        using var withSomeToken = await SendAsync(http, Token);

        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withSomeToken.StatusCode);
        Assert.DoesNotContain("goforge_", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_from_another_address_need_the_configured_bearer_token()
    {
        await using var app = await StartAsync(Token);
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });

        using var none = await http.GetAsync("/metrics");
        using var wrong = await SendAsync(http, Token + "x");
        using var right = await SendAsync(http, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", Assert.Single(none.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("# TYPE", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_probes_answer_any_address_without_a_token()
    {
        await using var app = await StartAsync(token: null);
        using var http = app.CreateClient(new() { AllowAutoRedirect = false });

        using var live = await http.GetAsync("/healthz");
        using var ready = await http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode); // the test app's Docker socket does not exist
    }

    [Fact]
    public async Task A_metrics_token_shorter_than_32_characters_stops_start_up_naming_the_setting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await StartAsync("too-short");
        });

        Assert.Contains("GoForge:Metrics:Token", Flatten(failure), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData("::ffff:10.0.0.5", false)]
    public void Loopback_callers_need_no_token(string address, bool allowed)
    {
        var access = new MetricsAccess(Options.Create(new MetricsOptions()));

        var decision = access.Decide(IPAddress.Parse(address), IPAddress.Parse(address), authorization: null);

        Assert.Equal(allowed ? MetricsAccessDecision.Allowed : MetricsAccessDecision.NotFound, decision);
    }

    [Theory]
    [InlineData("10.0.0.5", "127.0.0.1")] // a peer elsewhere that a forged X-Forwarded-For made look local
    [InlineData("127.0.0.1", "203.0.113.7")] // a proxy on this host forwarding a client from elsewhere
    [InlineData(null, "127.0.0.1")] // a pipeline that did not capture the connection's address
    public void Only_a_real_loopback_connection_not_forwarded_from_elsewhere_needs_no_token(string? peer, string client)
    {
        var access = new MetricsAccess(Options.Create(new MetricsOptions()));

        var decision = access.Decide(peer is null ? null : IPAddress.Parse(peer), IPAddress.Parse(client), authorization: null);

        Assert.Equal(MetricsAccessDecision.NotFound, decision);
    }

    private Task<GoForgeApp> StartAsync(string? token) =>
        GoForgeApp.StartAsync(postgres, "metrics_access", settings: new Dictionary<string, string?> { ["GoForge:Metrics:Token"] = token },
            services: services => services.AddSingleton<IStartupFilter>(new RemoteAddress(Remote)));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + "\n" + Flatten(e.InnerException);

    /// <summary>Gives every request the remote address a reverse proxy's client or a scraper elsewhere would have.</summary>
    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
