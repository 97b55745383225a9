using GoForge.Core.GitProviders;

namespace GoForge.Tests.GitProviders;

public sealed class RepositoryUrlTests
{
    [Theory]
    [InlineData("https://github.com/Acme/Shop.git")]
    [InlineData("https://github.com/acme/shop")]
    [InlineData("https://github.com/acme/shop/")]
    [InlineData("http://github.com/acme/shop.git")]
    [InlineData("git@github.com:acme/shop.git")]
    [InlineData("git@github.com:acme/shop")]
    [InlineData("ssh://git@github.com/acme/shop.git")]
    [InlineData("ssh://git@github.com:22/acme/shop.git")]
    [InlineData("git://github.com/acme/shop.git")]
    [InlineData("https://token@github.com/acme/shop.git")]
    public void Every_form_of_a_repository_url_has_the_same_key(string url) =>
        Assert.Equal("github.com/acme/shop", RepositoryUrl.Key(url));

    [Theory]
    [InlineData("https://github.com/acme/shop", "https://github.com/acme/shop-admin")]
    [InlineData("https://github.com/acme/shop", "https://gitlab.com/acme/shop")]
    [InlineData("https://github.com/acme/shop", "https://github.com/other/shop")]
    [InlineData("git@github.com:acme/shop.git", "git@github.com:acme/shop.git.bak")]
    public void Different_repositories_do_not_match(string a, string b) =>
        Assert.False(RepositoryUrl.Matches(a, [b]));

    [Fact]
    public void Local_paths_match_only_themselves()
    {
        Assert.True(RepositoryUrl.Matches("/srv/git/shop.git", ["/srv/git/shop"]));
        Assert.False(RepositoryUrl.Matches("/srv/git/shop.git", ["https://local/srv/git/shop.git"]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a url")]
    [InlineData("https://")]
    [InlineData("https://github.com/")]
    [InlineData(":nohost")]
    public void Nonsense_has_no_key(string? url) => Assert.Null(RepositoryUrl.Key(url));

    [Fact]
    public void A_url_without_a_key_matches_nothing() => Assert.False(RepositoryUrl.Matches("not a url", ["not a url"]));
}
