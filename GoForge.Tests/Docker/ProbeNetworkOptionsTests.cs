using GoForge.Core;
using GoForge.Core.Containers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Docker;

/// <summary><c>GoForge:Docker:ProbeNetwork</c>: where the panel probes containers, by default the proxy's network.</summary>
public sealed class ProbeNetworkOptionsTests
{
    [Fact]
    public void Unset_it_is_the_proxy_network_of_either_key()
    {
        Assert.Equal("goforge-proxy", Probe(new() { ["GoForge:Proxy:Network"] = "goforge-proxy" }));
        Assert.Equal("edge", Probe(new() { ["GoForge:Deployments:ProxyNetwork"] = "edge" }));
    }

    [Fact]
    public void Set_it_wins_over_the_proxy_network()
    {
        Assert.Equal("probes", Probe(new() { ["GoForge:Docker:ProbeNetwork"] = "probes", ["GoForge:Proxy:Network"] = "goforge-proxy" }));
    }

    [Fact]
    public void With_neither_set_it_is_unset_and_the_panel_probes_the_first_network()
    {
        Assert.Null(Probe([]));
        Assert.Null(Probe(new() { ["GoForge:Docker:ProbeNetwork"] = "" }));
    }

    [Fact]
    public void A_probe_network_that_is_no_docker_name_stops_start_up_naming_the_key()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Probe(new() { ["GoForge:Docker:ProbeNetwork"] = "two words" }));

        Assert.Contains("GoForge:Docker:ProbeNetwork (by default GoForge:Proxy:Network) must be a Docker network name", failure.Message, StringComparison.Ordinal);
    }

    private static string? Probe(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGoForgeCore();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<ProbeNetworkOptions>>().Value.ProbeNetwork;
    }
}
