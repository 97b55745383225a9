using System.Net;
using GoForge.Core;
using GoForge.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace GoForge.Tests.Web;

/// <summary>
/// A panel in a container that probes through the applications' network must not listen on every address there
/// (docs/decisions/panel-in-a-container.md): start-up is refused, on a real Kestrel server.
/// </summary>
public sealed class ListenGuardTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://+:8080")]
    [InlineData("http://*:8080")]
    [InlineData("https://0.0.0.0:8443")]
    public void Addresses_that_bind_every_interface_are_wildcards(string address) => Assert.True(ListenGuard.IsWildcard(address));

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://[::1]:8080")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://172.31.251.3:8080")]
    public void Loopback_and_one_address_are_not(string address) => Assert.False(ListenGuard.IsWildcard(address));

    [Fact]
    public void Only_a_panel_in_a_container_with_a_probe_network_is_refused_a_wildcard()
    {
        string[] everywhere = ["http://127.0.0.1:8080", "http://0.0.0.0:8081"];
        string[] pinned = ["http://127.0.0.1:8080", "http://172.31.251.3:8080"];

        var refusal = ListenGuard.Refusal(inContainer: true, "goforge-proxy", everywhere);

        Assert.NotNull(refusal);
        Assert.Contains("http://0.0.0.0:8081", refusal, StringComparison.Ordinal);
        Assert.Contains("goforge-proxy (GoForge:Docker:ProbeNetwork)", refusal, StringComparison.Ordinal);
        Assert.Contains("GoForge:Listen:InContainer=false", refusal, StringComparison.Ordinal);
        Assert.Null(ListenGuard.Refusal(inContainer: true, "goforge-proxy", pinned));
        Assert.Null(ListenGuard.Refusal(inContainer: false, "goforge-proxy", everywhere));
        Assert.Null(ListenGuard.Refusal(inContainer: true, probeNetwork: null, everywhere));
    }

    [Fact]
    public async Task A_panel_in_a_container_listening_on_every_address_with_a_probe_network_does_not_start()
    {
        await using var app = Panel(IPAddress.Any, inContainer: true);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("listens on every address (http://0.0.0.0:", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_panel_on_one_address_starts_and_so_does_one_outside_a_container()
    {
        await using var pinned = Panel(IPAddress.Loopback, inContainer: true);
        await pinned.StartAsync();
        await pinned.StopAsync();

        await using var outside = Panel(IPAddress.Any, inContainer: false);
        await outside.StartAsync();
        await outside.StopAsync();
    }

    /// <summary>Kestrel on <paramref name="address"/> with the probe network set and the guard registered as the panel registers it.</summary>
    private static WebApplication Panel(IPAddress address, bool inContainer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GoForge:Proxy:Network"] = "goforge-proxy",
            ["GoForge:Listen:InContainer"] = inContainer ? "true" : "false",
        });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(address, 0));
        builder.AddGoForgeCore();
        builder.Services.AddListenGuard();
        return builder.Build();
    }
}
