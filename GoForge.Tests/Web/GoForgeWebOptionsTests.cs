using GoForge.Web.Hosting;

namespace GoForge.Tests.Web;

public sealed class GoForgeWebOptionsTests
{
    [Theory]
    [InlineData("172.31.251.2")]
    [InlineData("172.31.251.2/32")]
    [InlineData("fd00::2")]
    [InlineData("fd00::2/128")]
    [InlineData("127.0.0.1")]
    public void A_trusted_proxy_given_as_one_address_is_accepted(string network)
    {
        var options = new GoForgeWebOptions { DataPath = "/var/lib/goforge" };
        options.TrustedProxies.Add(network);

        Assert.True(new GoForgeWebOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("traefik")]
    [InlineData("172.31.250.0/33")]
    [InlineData("0.0.0.0/0; rm -rf /")]
    [InlineData("")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("10.1")]
    [InlineData("167772161")]
    [InlineData("172.31.251.2/")]
    [InlineData("172.31.251.2/-1")]
    [InlineData("fe80::1%eth0")]
    public void Anything_else_stops_start_up_naming_the_setting(string network)
    {
        var options = new GoForgeWebOptions { DataPath = "/var/lib/goforge" };
        options.TrustedProxies.Add(network);

        var result = new GoForgeWebOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("GoForge:TrustedProxies", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("172.31.250.0/24")]
    [InlineData("10.0.0.0/8")]
    [InlineData("0.0.0.0/0")]
    [InlineData("172.31.251.2/31")]
    [InlineData("fd00::/8")]
    [InlineData("fd00::2/127")]
    public void A_network_wider_than_one_address_stops_start_up_saying_only_the_proxys_address_is_trusted(string network)
    {
        var options = new GoForgeWebOptions { DataPath = "/var/lib/goforge" };
        options.TrustedProxies.Add(network);

        var result = new GoForgeWebOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"GoForge:TrustedProxies holds the network '{network}'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("only from the proxy's own address", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_name_stops_start_up_asking_for_the_proxys_pinned_address()
    {
        var options = new GoForgeWebOptions { DataPath = "/var/lib/goforge" };
        options.TrustedProxies.Add("traefik");

        var result = new GoForgeWebOptionsValidator().Validate(null, options);

        Assert.Contains("'traefik', a host name", result.FailureMessage, StringComparison.Ordinal);
    }
}
