using Bunit;
using GoForge.Core.Deployments;
using GoForge.Core.Routing;
using GoForge.Infrastructure.Proxy;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Web.Components.Pages.Settings;
using GoForge.Web.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Components;

public sealed class ProxyCardTests : GoForgeTestContext
{
    [Fact]
    public void Traefik_card_shows_the_proxy_entrypoints_resolver_network_and_acme_email()
    {
        AddProxy(new ProxyOptions { AcmeEmail = "ops@example.com" }, new TraefikOptions { DefaultCertResolver = "dnsle" }, "goforge-proxy");

        var card = Render<ProxyCard>();

        Assert.Equal("Traefik", card.WaitForElement("[data-testid=proxy-kind]", WaitTimeout).TextContent.Trim());
        Assert.Equal("dnsle", card.Find("[data-testid=proxy-resolver]").TextContent.Trim());
        Assert.Contains("web", card.Find("[data-testid=proxy-entrypoints]").TextContent, StringComparison.Ordinal);
        Assert.Contains("websecure", card.Find("[data-testid=proxy-entrypoints]").TextContent, StringComparison.Ordinal);
        Assert.Equal("goforge-proxy", card.Find("[data-testid=proxy-network]").TextContent.Trim());
        Assert.Equal("ops@example.com", card.Find("[data-testid=proxy-acme-email]").TextContent.Trim());
    }

    [Fact]
    public void Caddy_card_names_caddy_and_shows_no_traefik_settings()
    {
        AddProxy(new ProxyOptions { Kind = ProxyKind.Caddy }, new TraefikOptions(), null);

        var card = Render<ProxyCard>();

        Assert.Equal("Caddy", card.WaitForElement("[data-testid=proxy-kind]", WaitTimeout).TextContent.Trim());
        Assert.Empty(card.FindAll("[data-testid=proxy-resolver]"));
        Assert.Contains("each environment's own network", card.Find("[data-testid=proxy-network]").TextContent, StringComparison.Ordinal);
        Assert.Contains("not set", card.Find("[data-testid=proxy-acme-email]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, null)]
    [InlineData(0, "Ops <ops@example.com>")]
    [InlineData(0, "not an address")]
    public void Wrong_proxy_settings_are_refused_naming_the_key(int kind, string? email)
    {
        var result = new ProxyOptionsValidator().Validate(null, new ProxyOptions { Kind = (ProxyKind)kind, AcmeEmail = email });

        Assert.True(result.Failed);
        Assert.Contains("GoForge:Proxy:", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Reachability_shows_a_spinner_until_the_probe_answers_then_its_detail()
    {
        var probe = new GatedProbe();
        AddProxy(new ProxyOptions { Kind = ProxyKind.Caddy }, new TraefikOptions(), null, probe);

        var card = Render<ProxyCard>();
        card.WaitForElement("[data-testid=proxy-probing]", WaitTimeout);
        Assert.Contains("checking", card.Find("[data-testid=proxy-reachability-detail]").TextContent, StringComparison.Ordinal);

        probe.Answer(new(ProxyReachabilityState.Unreachable, "Caddy's admin API at http://127.0.0.1:1/ could not be reached: refused"));

        card.WaitForAssertion(() => Assert.Equal("unreachable", card.Find("[data-testid=proxy-reachability]").TextContent.Trim()), WaitTimeout);
        Assert.Contains("could not be reached", card.Find("[data-testid=proxy-reachability-detail]").TextContent, StringComparison.Ordinal);
        Assert.Empty(card.FindAll("[data-testid=proxy-probing]"));
    }

    [Fact]
    public void Recheck_asks_the_proxy_again_and_shows_the_new_answer()
    {
        var probe = new GatedProbe();
        AddProxy(new ProxyOptions(), new TraefikOptions(), null, probe);
        var card = Render<ProxyCard>();
        probe.Answer(new(ProxyReachabilityState.NotConfigured, "Not checked: set GoForge:Proxy:Traefik:PingUrl"));
        card.WaitForAssertion(() => Assert.Equal("not checked", card.Find("[data-testid=proxy-reachability]").TextContent.Trim()), WaitTimeout);

        card.Find("[data-testid=proxy-recheck]").Click();
        probe.Answer(new(ProxyReachabilityState.Reachable, "Traefik answers at http://traefik:8080/ping."));

        card.WaitForAssertion(() => Assert.Equal("reachable", card.Find("[data-testid=proxy-reachability]").TextContent.Trim()), WaitTimeout);
        Assert.Equal(2, probe.Calls);
    }

    /// <summary>Answers each probe only when the test says so, so the card's waiting state can be seen.</summary>
    private sealed class GatedProbe : IProxyProbe
    {
        private readonly Queue<TaskCompletionSource<ProxyReachability>> _pending = new();
        private readonly Queue<ProxyReachability> _early = new();
        private readonly Lock _lock = new();

        public int Calls { get; private set; }

        public Task<ProxyReachability> ProbeAsync(CancellationToken ct = default)
        {
            lock (_lock)
            {
                Calls++;
                if (_early.TryDequeue(out var ready))
                {
                    return Task.FromResult(ready);
                }

                var answer = new TaskCompletionSource<ProxyReachability>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending.Enqueue(answer);
                return answer.Task;
            }
        }

        public void Answer(ProxyReachability reachability)
        {
            lock (_lock)
            {
                if (_pending.TryDequeue(out var waiting))
                {
                    waiting.SetResult(reachability);
                }
                else
                {
                    _early.Enqueue(reachability);
                }
            }
        }
    }

    private void AddProxy(ProxyOptions panel, TraefikOptions traefik, string? network, IProxyProbe? probe = null)
    {
        Services.AddSingleton(probe ?? new GatedProbe());
        Services.AddSingleton(Options.Create(panel));
        Services.AddSingleton(Options.Create(traefik));
        Services.AddSingleton(Options.Create(new ProxyNetworkOptions { Network = network }));
        Services.AddSingleton<ProxyStatus>();
    }
}
