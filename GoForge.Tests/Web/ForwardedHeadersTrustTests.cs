using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Web;

/// <summary>
/// Whose X-Forwarded-For the panel believes, over real sockets: the panel on Kestrel listening on every address, the
/// requests sent to this machine's own non-loopback address, so the peer is not loopback. A forged header from a
/// peer that is not the configured proxy changes nothing; from the configured proxy the client it names counts.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ForwardedHeadersTrustTests(PostgresFixture postgres)
{
    internal const int WebhookLimit = 3;

    [Fact]
    public async Task A_forged_X_Forwarded_For_from_a_peer_that_is_not_the_proxy_opens_no_metrics_and_the_limiter_counts_the_peer()
    {
        var host = NonLoopbackAddress();
        await using var app = await StartAsync("xff_untrusted", trustedProxy: null);
        using var http = Client();
        var viaHost = At(app, host);

        using var forgedMetrics = await SendAsync(http, HttpMethod.Get, new Uri(viaHost, "/metrics"), "127.0.0.1");
        using var realLoopback = await SendAsync(http, HttpMethod.Get, new Uri(At(app, IPAddress.Loopback), "/metrics"), forwardedFor: null);
        var answers = new List<HttpResponseMessage>();
        for (var i = 1; i <= WebhookLimit + 1; i++)
        {
            // A new client address on every delivery: what would defeat a per-address limit if it were believed.
            answers.Add(await SendAsync(http, HttpMethod.Post, new Uri(viaHost, "/webhooks/github"), $"198.51.100.{i}"));
        }

        Assert.Equal(HttpStatusCode.NotFound, forgedMetrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, realLoopback.StatusCode);
        Assert.Equal([2, 1, 0], answers.Take(WebhookLimit).Select(a => RateLimitHeaders.Read(a).Remaining));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1].StatusCode);
        answers.ForEach(a => a.Dispose());
    }

    [Fact]
    public async Task From_the_configured_proxy_address_the_forwarded_client_counts_but_a_forged_loopback_still_opens_no_metrics()
    {
        var host = NonLoopbackAddress();
        await using var app = await StartAsync("xff_trusted", trustedProxy: host.ToString());
        using var http = Client();
        var viaHost = At(app, host);

        var first = new List<HttpResponseMessage>();
        for (var i = 0; i < WebhookLimit; i++)
        {
            first.Add(await SendAsync(http, HttpMethod.Post, new Uri(viaHost, "/webhooks/github"), "198.51.100.1"));
        }

        using var another = await SendAsync(http, HttpMethod.Post, new Uri(viaHost, "/webhooks/github"), "198.51.100.2");
        using var forgedMetrics = await SendAsync(http, HttpMethod.Get, new Uri(viaHost, "/metrics"), "127.0.0.1");

        Assert.Equal([2, 1, 0], first.Select(a => RateLimitHeaders.Read(a).Remaining));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, another.StatusCode);
        Assert.Equal(2, RateLimitHeaders.Read(another).Remaining);
        Assert.Equal(HttpStatusCode.NotFound, forgedMetrics.StatusCode);
        first.ForEach(a => a.Dispose());
    }

    [Fact]
    public async Task A_trusted_proxy_network_wider_than_one_address_stops_start_naming_the_setting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await GoForgeApp.StartAsync(postgres, "xff_wide", settings: new Dictionary<string, string?>
            {
                ["GoForge:TrustedProxies:0"] = "172.31.250.0/24",
            });
        });

        Assert.Contains("GoForge:TrustedProxies holds the network '172.31.250.0/24'", Flatten(failure), StringComparison.Ordinal);
    }

    /// <summary>This machine's first IPv4 address that is not loopback: a peer that is not loopback when it connects to itself.</summary>
    internal static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("This machine has no IPv4 address but loopback; the test needs one to connect from a non-loopback peer.");

    private Task<GoForgeApp> StartAsync(string prefix, string? trustedProxy) => StartListeningEverywhereAsync(postgres, prefix, trustedProxy);

    /// <summary>The panel on every address of this machine, with a webhook limit of <see cref="WebhookLimit"/> a minute per address.</summary>
    internal static Task<GoForgeApp> StartListeningEverywhereAsync(PostgresFixture postgres, string prefix, string? trustedProxy)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GoForge:Webhooks:RequestsPerMinutePerAddress"] = WebhookLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (trustedProxy is not null)
        {
            settings["GoForge:TrustedProxies:0"] = trustedProxy;
        }

        return GoForgeApp.StartAsync(postgres, prefix, kestrel: true, settings: settings, listen: kestrel => kestrel.Listen(IPAddress.Any, 0));
    }

    /// <summary>The app's port at another address of this machine.</summary>
    internal static Uri At(GoForgeApp app, IPAddress address) => new UriBuilder("http", address.ToString(), app.Address.Port).Uri;

    internal static HttpClient Client() => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, Uri uri, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + "\n" + Flatten(e.InnerException);
}
