using GoForge.Core.Projects;
using System.Net;
using GoForge.Core.GitProviders;

namespace GoForge.Tests.GitProviders;

/// <summary>Which addresses and URLs reach the panel's own host or network (refused unless an administrator allows them).</summary>
public sealed class RepositoryNetworkRulesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("169.254.169.254")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public void Loopback_private_link_local_and_special_addresses_are_refused(string address) =>
        Assert.True(RepositoryNetworkRules.IsRefused(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("140.82.121.3")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:50c0:8000::153")]
    [InlineData("::ffff:140.82.121.3")]
    [InlineData("64:ff9b::8c52:7903")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.False(RepositoryNetworkRules.IsRefused(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("/srv/git/app.git")]
    [InlineData("file:///srv/git/app.git")]
    [InlineData("FILE:///etc")]
    [InlineData("relative/repo")]
    [InlineData("./repo")]
    [InlineData("http://127.0.0.1:2375/x.git")]
    [InlineData("http://2130706433/x.git")]
    [InlineData("http://0x7f000001/x.git")]
    [InlineData("http://0177.0.0.1/x.git")]
    [InlineData("http://127.1/x.git")]
    [InlineData("https://[::1]/x.git")]
    [InlineData("https://[::ffff:127.0.0.1]/x.git")]
    [InlineData("https://[0:0:0:0:0:ffff:7f00:1]/x.git")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.64.0.1/x.git")]
    [InlineData("git://10.0.0.5/x.git")]
    [InlineData("ssh://git@[fe80::1]/x.git")]
    [InlineData("git@192.168.1.10:acme/shop.git")]
    [InlineData("http://localhost/x.git")]
    [InlineData("http://LOCALHOST./x.git")]
    [InlineData("https://registry.localhost/x.git")]
    [InlineData("https://ｌｏｃａｌｈｏｓｔ/x.git")]
    public void Urls_naming_the_panels_own_host_or_network_are_refused_from_their_text(string url)
    {
        var reason = RepositoryNetworkRules.SyntacticRefusal(url);

        Assert.NotNull(reason);
        Assert.EndsWith(RepositoryNetworkRules.SettingHint, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://github.com/acme/shop.git")]
    [InlineData("git@github.com:acme/shop.git")]
    [InlineData("ssh://git@gitlab.example.com:2222/acme/shop.git")]
    [InlineData("https://140.82.121.3/acme/shop.git")]
    [InlineData("https://localhost.example.com/acme/shop.git")]
    public void Urls_of_public_hosts_pass_the_text_check(string url) => Assert.Null(RepositoryNetworkRules.SyntacticRefusal(url));

    [Theory]
    [InlineData("https://GitHub.com/acme/shop.git", "github.com")]
    [InlineData("git@GitHub.com:acme/shop.git", "github.com")]
    [InlineData("ssh://git@github.com:22/acme/shop.git", "github.com")]
    [InlineData("https://deploy@git.example.com:8443/a/b", "git.example.com")]
    [InlineData("https://bücher.example/a.git", "xn--bcher-kva.example")]
    [InlineData("https://[::1]:8443/a.git", "[::1]")]
    [InlineData("/srv/git/app.git", null)]
    [InlineData("file:///srv/git/app.git", null)]
    public void The_host_a_credential_is_bound_to_is_normalised(string url, string? host) => Assert.Equal(host, RepositoryNetworkRules.Host(url));
}
