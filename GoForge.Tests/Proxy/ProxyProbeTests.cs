using System.Globalization;
using System.Net;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy;
using GoForge.Infrastructure.Proxy.Caddy;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Proxy;

/// <summary>
/// The settings page's reachability check: Caddy's admin API for real; Traefik (no package here) through a local
/// stand-in that answers its <c>/ping</c> the way Traefik does (200, body <c>OK</c>).
/// </summary>
public sealed class ProxyProbeTests(CaddyFixture caddy) : IClassFixture<CaddyFixture>
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddProxyRoutes();
        return services.BuildServiceProvider();
    }

    private static string UnusedLoopbackUrl() => $"http://127.0.0.1:{HostSystem.FreeTcpPort().ToString(CultureInfo.InvariantCulture)}/";

    [Fact]
    public async Task A_running_caddy_is_reachable_and_its_route_count_is_shown()
    {
        using var services = Services(new() { ["GoForge:Proxy:Kind"] = "Caddy", [$"{CaddyOptions.SectionName}:AdminUrl"] = caddy.AdminUrl.ToString() });

        var found = await services.GetRequiredService<IProxyProbe>().ProbeAsync();

        Assert.Equal(ProxyReachabilityState.Reachable, found.State);
        Assert.Contains("server 'goforge' has", found.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caddy_without_goforges_server_is_reported_unreachable_naming_the_server()
    {
        using var services = Services(new()
        {
            ["GoForge:Proxy:Kind"] = "Caddy",
            [$"{CaddyOptions.SectionName}:AdminUrl"] = caddy.AdminUrl.ToString(),
            [$"{CaddyOptions.SectionName}:ServerName"] = "not-configured",
        });

        var found = await services.GetRequiredService<IProxyProbe>().ProbeAsync();

        Assert.Equal(ProxyReachabilityState.Unreachable, found.State);
        Assert.Contains("'not-configured'", found.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caddy_admin_api_nobody_listens_on_is_unreachable_not_an_exception()
    {
        using var services = Services(new() { ["GoForge:Proxy:Kind"] = "Caddy", [$"{CaddyOptions.SectionName}:AdminUrl"] = UnusedLoopbackUrl() });

        var found = await services.GetRequiredService<IProxyProbe>().ProbeAsync();

        Assert.Equal(ProxyReachabilityState.Unreachable, found.State);
        Assert.Contains("could not be reached", found.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traefik_without_a_ping_url_is_not_checked_and_says_which_setting_to_set()
    {
        using var services = Services([]);

        var found = await services.GetRequiredService<IProxyProbe>().ProbeAsync();

        Assert.Equal(ProxyReachabilityState.NotConfigured, found.State);
        Assert.Contains("GoForge:Proxy:Traefik:PingUrl", found.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, ProxyReachabilityState.Reachable)]
    [InlineData(HttpStatusCode.ServiceUnavailable, ProxyReachabilityState.Unreachable)]
    public async Task Traefik_is_reachable_when_its_ping_answers_ok(HttpStatusCode status, ProxyReachabilityState expected)
    {
        using var ping = new PingStandIn(status);
        using var services = Services(new() { [$"{TraefikOptions.SectionName}:PingUrl"] = ping.Url });

        var found = await services.GetRequiredService<IProxyProbe>().ProbeAsync();

        Assert.Equal(expected, found.State);
        Assert.Contains(ping.Url, found.Detail, StringComparison.Ordinal);
        Assert.Equal(1, ping.Requests);
    }

    [Fact]
    public async Task A_traefik_ping_nobody_listens_on_is_unreachable()
    {
        using var services = Services(new() { [$"{TraefikOptions.SectionName}:PingUrl"] = UnusedLoopbackUrl() + "ping" });

        var found = await services.GetRequiredService<IProxyProbe>().ProbeAsync();

        Assert.Equal(ProxyReachabilityState.Unreachable, found.State);
    }

    [Theory]
    [InlineData("ftp://traefik/ping")]
    [InlineData("http://admin:secret@traefik:8080/ping")]
    [InlineData("/ping")]
    public void A_bad_ping_url_fails_naming_its_key(string url)
    {
        using var services = Services(new() { [$"{TraefikOptions.SectionName}:PingUrl"] = url });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TraefikOptions>>().Value);
        Assert.Contains($"{TraefikOptions.SectionName}:PingUrl", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Answers <c>GET /ping</c> like Traefik's ping handler (text <c>OK</c>), with the status the test picks.</summary>
    private sealed class PingStandIn : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _requests;

        public PingStandIn(HttpStatusCode status)
        {
            var prefix = UnusedLoopbackUrl();
            _listener.Prefixes.Add(prefix);
            _listener.Start();
            Url = prefix + "ping";
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    Interlocked.Increment(ref _requests);
                    context.Response.StatusCode = context.Request.Url?.AbsolutePath == "/ping" ? (int)status : 404;
                    var body = "OK"u8.ToArray();
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose() => _listener.Close();
    }
}
