using GoForge.Web.Hosting;

namespace GoForge.Tests.Web;

public sealed class GoForgeWebOptionsTests
{
    [Theory]
    [InlineData("172.31.250.0/24")]
    [InlineData("10.0.0.0/8")]
    [InlineData("fd00::/8")]
    public void A_trusted_proxy_network_in_CIDR_form_is_accepted(string network)
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
    public void Anything_else_stops_start_up_naming_the_setting(string network)
    {
        var options = new GoForgeWebOptions { DataPath = "/var/lib/goforge" };
        options.TrustedProxies.Add(network);

        var result = new GoForgeWebOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("GoForge:TrustedProxies", result.FailureMessage, StringComparison.Ordinal);
    }
}
